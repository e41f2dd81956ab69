package io.matstore.store;

/**
 * How a fresh view version (one with no stored offsets) is loaded from its topic.
 *
 * <ul>
 *   <li>{@link #BULK}: read the topic up to the end offsets captured when loading starts, fold it into sorted runs,
 *       write each run as an SST file and ingest it into RocksDB (no WAL, no memtable), store the offsets once all
 *       files are in, then continue with {@link #LIVE} ingest. A crash before the offsets are stored restarts the
 *       bulk part from an empty version.</li>
 *   <li>{@link #LIVE}: ingest from the first record with the normal loop, one atomic WriteBatch per poll.</li>
 * </ul>
 * A version that already has stored offsets always continues live.
 */
public enum LoadMode {
    BULK,
    LIVE
}
