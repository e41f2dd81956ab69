package io.matstore.store.internal;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.Filter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * The SST table format of a version's values column family, shared by the live database (flushes, compactions) and
 * the bulk loader's {@code SstFileWriter}, so bulk-loaded files have the same filters and block index as flushed ones
 * (an ingested file keeps the format it was written with until a compaction rewrites it, which for a bulk-loaded
 * bottom level may be never).
 *
 * <ul>
 *   <li>Whole-key bloom filter, 10 bits per key (~1 % false positives): a lookup of a key that is not stored (a 404)
 *       costs a filter probe per level instead of an index search and a data block read per level.</li>
 *   <li>Index and filter blocks stay out of the block cache ({@code cache_index_and_filter_blocks=false}): each
 *       open table holds its own for as long as it is open (all of them, {@code max_open_files=-1}), so a burst of
 *       uniform misses evicting data blocks can never evict them: they are pinned by construction, at about 2 bytes
 *       per stored key (filter 1.25, index the rest), outside {@code store.block.cache.bytes}.</li>
 *   <li>Data blocks carry a hash index beside the binary search ({@code kDataBlockBinaryAndHash}): a point lookup
 *       finds its key in a block with one hash probe instead of ~log2(restarts) key comparisons.</li>
 *   <li>The store's one LRU block cache ({@link BlockCache}, {@code store.block.cache.bytes} for the whole node),
 *       shared by every version it holds; RocksDB's default would be 32 MiB per database, whatever the memory the
 *       node has.</li>
 *   <li>LZ4 on every level, 4 KiB data blocks, set here rather than left to RocksJava's default (which has changed
 *       between releases). Chosen by {@code CompressionReadRun} on 1,000,000 offers envelopes with a 128 MiB cache
 *       (2026-12-02): LZ4 69 MB on disk, no compression 327 MB, ZSTD 48 MB, LZ4 with 16 KiB blocks 50 MB; random
 *       point reads at p50 8.6, 8.9, 11.7 and 10.4 µs (a loaded machine: the ratios count). LZ4 reads as fast as
 *       uncompressed blocks at a fifth of the size, so more of the version fits the page cache.</li>
 * </ul>
 *
 * Owns the native filter, and the cache when it made it ({@link #forReads(long)}); {@link #close} after the options
 * that use them are closed.
 */
final class ValueTableFormat implements AutoCloseable {
    static final double BLOOM_BITS_PER_KEY = 10;

    private final Filter bloom = new BloomFilter(BLOOM_BITS_PER_KEY);
    /** Null for a writer-only format (the bulk loader reads nothing back). */
    private final Cache blockCache;

    private final boolean ownsCache;

    private ValueTableFormat(Cache blockCache, boolean ownsCache) {
        this.blockCache = blockCache;
        this.ownsCache = ownsCache;
    }

    /** For the live database of a version, reading through the store's shared cache (not closed with this). */
    static ValueTableFormat forReads(BlockCache shared) {
        return new ValueTableFormat(shared.cache(), false);
    }

    /** For a database opened on its own (tools, tests), with a cache of its own. */
    static ValueTableFormat forReads(long blockCacheBytes) {
        return new ValueTableFormat(new LRUCache(blockCacheBytes), true);
    }

    /** For writing SST files that will be ingested. */
    static ValueTableFormat forWriting() {
        return new ValueTableFormat(null, false);
    }

    static final CompressionType COMPRESSION = CompressionType.LZ4_COMPRESSION;

    ColumnFamilyOptions applyTo(ColumnFamilyOptions options) {
        return options.setTableFormatConfig(tableConfig())
                .setCompressionType(COMPRESSION)
                .setBottommostCompressionType(COMPRESSION)
                .setMemtableWholeKeyFiltering(true)
                .setMemtablePrefixBloomSizeRatio(0.02);
    }

    Options applyTo(Options options) {
        return options.setTableFormatConfig(tableConfig())
                .setCompressionType(COMPRESSION)
                .setBottommostCompressionType(COMPRESSION);
    }

    private BlockBasedTableConfig tableConfig() {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setFilterPolicy(bloom)
                .setWholeKeyFiltering(true)
                .setCacheIndexAndFilterBlocks(false)
                .setBlockSize(4096)
                .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                .setDataBlockHashTableUtilRatio(0.75);
        return blockCache == null ? table : table.setBlockCache(blockCache);
    }

    @Override
    public void close() {
        bloom.close();
        if (ownsCache) {
            blockCache.close();
        }
    }
}
