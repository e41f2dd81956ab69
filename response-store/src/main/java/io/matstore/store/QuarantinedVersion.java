package io.matstore.store;

import java.nio.file.Path;

/**
 * A version found unopenable when the store opened (a corrupt RocksDB file, an unreadable manifest...): its directory
 * was moved aside, whole, for inspection, and the store went on without it.
 *
 * @param view       view name (the directory's parent when the manifest could not be read)
 * @param version    view version (from the directory name when the manifest could not be read; 0 if neither says)
 * @param movedTo    where the version's directory now is
 * @param reason     why it could not be opened
 * @param rebuilding whether a fresh copy of the version is being loaded from its view topic (false when not even
 *                   its manifest could be read: nothing says which partitions it held)
 * @param atMillis   wall-clock time it was moved aside
 */
public record QuarantinedVersion(
        String view, int version, Path movedTo, String reason, boolean rebuilding, long atMillis) {}
