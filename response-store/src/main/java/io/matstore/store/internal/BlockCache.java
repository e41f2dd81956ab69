package io.matstore.store.internal;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;

/**
 * One RocksDB block cache for every version a store holds ({@code store.block.cache.bytes} is the node's, not each
 * version's), so a rebuild's second version does not double the node's block-cache memory and the capacity can be
 * large enough for the current version's data blocks.
 *
 * <p>Safe to share across versions and across a swap: RocksDB keys every cached block by its table file's unique id
 * (DB session id and file number), never by path or DB, so two databases' blocks never collide; each database's table
 * factory holds its own reference to the native cache, so the order in which databases and this object are closed
 * does not matter to RocksDB; a retired version's blocks are no longer read and age out of the LRU as the current
 * version's are read. The capacity is a ceiling, not an allocation: memory is taken as blocks are read.
 *
 * <p>Not strict ({@code strict_capacity_limit=false}): with a strict limit an insert that finds the cache full of
 * blocks in use fails, and so would the read that needed the block (status Incomplete), an error on the serving path
 * for what is only a cache's overshoot. Index and filter blocks are not in it ({@link ValueTableFormat}).
 */
final class BlockCache implements AutoCloseable {
    static {
        RocksDB.loadLibrary(); // made by the store before any of its databases is opened
    }

    private final LRUCache cache;
    private final long capacity;

    BlockCache(long capacityBytes) {
        this.capacity = capacityBytes;
        this.cache = new LRUCache(capacityBytes, -1, false);
    }

    Cache cache() {
        return cache;
    }

    long capacity() {
        return capacity;
    }

    /** Bytes held now, by every version sharing it. Not after {@link #close}. */
    long usage() {
        return cache.getUsage();
    }

    @Override
    public void close() {
        cache.close();
    }
}
