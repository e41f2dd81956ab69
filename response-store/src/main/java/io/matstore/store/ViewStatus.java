package io.matstore.store;

import java.util.List;

/**
 * A snapshot of one view version on this node, for operators and for the serving node's freshness decisions.
 *
 * @param view              view name
 * @param version           view version
 * @param current           whether this version answers unpinned requests
 * @param partitions        per owned partition: stored offset, log end, lag
 * @param entries           responses stored (RocksDB estimate)
 * @param bytesOnDisk       RocksDB files plus near-cache file
 * @param bytesMapped       near-cache bytes mapped into memory
 * @param nearCacheHits     lookups answered from the near-cache since start
 * @param nearCacheMisses   lookups that went to RocksDB since start
 * @param lastCaughtUpMillis wall-clock time when ingest last had zero lag on every partition (0: never)
 * @param ingestError       the last ingest failure if ingest is failing now, else null
 * @param phase             how the version is being loaded now ({@link Phase})
 * @param loadedRecords     bulk part: records (offsets) read so far; after it, the records it loaded
 * @param loadTargetRecords bulk part: records up to the end offsets captured when it started (0: no bulk part)
 * @param loaded            the first load has finished ({@link ViewReader#loaded()}): the version may answer
 */
public record ViewStatus(
        String view,
        int version,
        boolean current,
        List<PartitionStatus> partitions,
        long entries,
        long bytesOnDisk,
        long bytesMapped,
        long nearCacheHits,
        long nearCacheMisses,
        long lastCaughtUpMillis,
        String ingestError,
        Phase phase,
        long loadedRecords,
        long loadTargetRecords,
        boolean loaded) {

    /** Load phase of a version. */
    public enum Phase {
        /** Bulk part of loading a fresh version: reading the topic up to the captured end offsets into SST files. */
        BULK_LOADING,
        /** Bulk part done and its offsets stored; filling the near-cache from RocksDB before live ingest. */
        WARMING,
        /** Live ingest: one atomic batch per poll. */
        LIVE
    }

    /** A loaded version in live ingest, with no bulk part to report. */
    public ViewStatus(
            String view,
            int version,
            boolean current,
            List<PartitionStatus> partitions,
            long entries,
            long bytesOnDisk,
            long bytesMapped,
            long nearCacheHits,
            long nearCacheMisses,
            long lastCaughtUpMillis,
            String ingestError) {
        this(
                view,
                version,
                current,
                partitions,
                entries,
                bytesOnDisk,
                bytesMapped,
                nearCacheHits,
                nearCacheMisses,
                lastCaughtUpMillis,
                ingestError,
                Phase.LIVE,
                0,
                0,
                true);
    }

    /** Records behind the log end, summed over partitions. */
    public long totalLag() {
        long sum = 0;
        for (PartitionStatus p : partitions) {
            sum += p.lag();
        }
        return sum;
    }

    public double nearCacheHitRatio() {
        long total = nearCacheHits + nearCacheMisses;
        return total == 0 ? 0.0 : (double) nearCacheHits / total;
    }

    /**
     * @param partition view topic partition
     * @param offset    next offset to ingest (committed with the values, atomically)
     * @param endOffset log end offset last seen (read_committed: the last stable offset)
     * @param loaded    whether the partition answers: the version is loaded and, for a partition added at run time
     *                  ({@code VersionedResponseStore.addPartitions}), ingest has caught up on it once
     */
    public record PartitionStatus(int partition, long offset, long endOffset, boolean loaded) {
        /** A partition of a loaded version, held since the version was added. */
        public PartitionStatus(int partition, long offset, long endOffset) {
            this(partition, offset, endOffset, true);
        }

        public long lag() {
            return Math.max(0, endOffset - offset);
        }
    }
}
