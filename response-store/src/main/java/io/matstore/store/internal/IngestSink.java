package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the {@link Ingestor} of one version needs of that version, and nothing more: where to read from, where the
 * records go, and the few moments it reports (caught up, bulk part in, a failed write to get past). Keeping the
 * ingest loop off the whole {@link VersionStore} lets either change without reading the other.
 *
 * <p>Every method is called on the ingest thread only, except {@link #descriptor()}.
 */
interface IngestSink {
    /** The version fed: its topic is the one read; it names the thread and the log lines. */
    ViewDescriptor descriptor();

    /** The partitions to read; fixed for the life of one ingestor (a change restarts ingest). */
    Set<Integer> partitions();

    /** The directory whose file system must keep {@code store.disk.min.free.bytes} free for ingest to write. */
    Path dir();

    /** The next offset of each partition, as stored with the values; a partition absent is read from the start. */
    Map<Integer, Long> storedOffsets();

    /** Stores one polled batch and the partitions' next offsets atomically, so a retry neither skips nor repeats. */
    void apply(List<ConsumerRecord<byte[], byte[]>> records, Map<Integer, Long> nextOffsets);

    /** Between polls: the upkeep of the read path (hot keys brought near). */
    void maintainNearCache();

    /** Ingest reached the end offsets requested at {@code millis}: the version counts as loaded from then on. */
    void onCaughtUp(long millis);

    /** After a write may have failed (full disk, I/O error): make the store take writes again, or throw. */
    void resumeWrites();

    /** Whether the version still needs its bulk part loaded before live ingest. */
    boolean needsBulkLoad();

    /** A loader for the bulk part, reporting into {@code progress}. */
    BulkLoader bulkLoader(LoadProgress progress);

    /** The bulk part is in, up to {@code nextOffsets}: live ingest goes on from there. */
    void onBulkLoaded(Map<Integer, Long> nextOffsets);

    /** Fills the near-cache of a freshly bulk-loaded version, before it may take traffic. */
    void warmNearCache();

    /**
     * Opens the near-cache, first thing on the ingest thread; reads go to the store meanwhile.
     *
     * @return whether it was opened empty (not trusted), so {@link #refillNearCache} is due before ingest
     */
    boolean openNearCache();

    /** Fills a near-cache rebuilt at open (not trusted) from what is stored, before ingest. */
    void refillNearCache();
}
