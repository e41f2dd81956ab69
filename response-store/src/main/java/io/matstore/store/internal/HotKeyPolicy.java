package io.matstore.store.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

/**
 * Decides which keys the bounded near-cache holds: TinyLFU-style admission with sampled-LFU eviction.
 *
 * <ul>
 *   <li>Every read (hit or RocksDB miss that found a value) records the key's hash in a {@link ReadBuffer}; the
 *       ingest thread counts the recorded hashes in a {@link FrequencySketch} before it promotes.</li>
 *   <li>A RocksDB miss offers the key to the ingest thread ({@link PromotionQueue}); so does every ingested value
 *       of a key not cached.</li>
 *   <li>While the near-cache has room, such a key is admitted. When it is full, a key read fewer than
 *       {@value #MIN_FREQUENCY_TO_EVICT} times (by the sketch) is not admitted at all (TinyLFU's doorkeeper); else
 *       the ingest thread samples {@value #SAMPLES} cached keys of a random segment and admits the candidate only if
 *       its estimated frequency beats the least frequent sampled one, which is then evicted. So a one-off read or a
 *       burst of new keys from a rebuild cannot flush the hot set.</li>
 *   <li>When full, the decision is taken from the sketch and the sample before the candidate's value is read from
 *       RocksDB or the near-cache is probed for it: with uniform reads over a view much larger than the near-cache
 *       nearly every miss is a candidate and nearly none earns a place, and each costs then a sketch probe on the
 *       ingest thread, not a sample of 16 to 48 entries, a probe and a second RocksDB read (issue 15 goal 7: on two
 *       cores, that work took about half the CPU the event loop spent serving the misses).</li>
 * </ul>
 *
 * <p>Readers only record and offer (allocation-free, no locks, no atomic read-modify-write); the sketch and all
 * near-cache writes stay on the ingest thread, which reads a promoted key's value from RocksDB itself, so a promotion
 * can never install an outdated value.
 */
final class HotKeyPolicy {
    static final int SAMPLES = 16;
    static final int MIN_FREQUENCY_TO_EVICT = 2;

    /** Set once the near-cache is open (on the ingest thread, after start): reads only record until then. */
    private NearCache nearCache;

    private final FrequencySketch sketch;
    private final PromotionQueue promotions = new PromotionQueue(4096);
    private final ReadBuffer reads = new ReadBuffer();
    private final LongConsumer countRead;
    private long evictions;

    /** @param maxEntries the near-cache's capacity in entries, which sizes the frequency sketch */
    HotKeyPolicy(long maxEntries) {
        this.sketch = new FrequencySketch(maxEntries);
        this.countRead = sketch::increment;
    }

    /** The near-cache to admit into, once it is open; before any call of the ingest thread's methods. */
    void attach(NearCache opened) {
        this.nearCache = opened;
    }

    /** A near-cache hit. Any thread, allocation-free. */
    void onHit(ByteBuffer key) {
        reads.record(FrequencySketch.hash(key));
    }

    /** A read answered by RocksDB. Any thread, allocation-free. */
    void onMiss(ByteBuffer key) {
        reads.record(FrequencySketch.hash(key));
        promotions.offer(key);
    }

    /** An ingested value: updates a cached key, or admits a new one if the policy lets it in. Ingest thread. */
    void onIngest(byte[] key, byte[] value) {
        if (nearCache.put(key, value, false)) {
            return;
        }
        admit(key, value);
    }

    void onRemoved(byte[] key) {
        // Nothing to forget: the sketch ages on its own and the key's slot is already free.
    }

    /** Brings near the keys recently read from RocksDB that earn a place. Ingest thread. */
    void promote(RocksViewDb rocks) {
        // Counted first, so a key missed since the last drain competes for admission with its reads counted.
        reads.drain(countRead);
        sketch.ageIfDue();
        promotions.drain(key -> {
            if (nearCache.hasRoomFor(0)) {
                if (!nearCache.contains(key)) {
                    byte[] value = rocks.getCopy(key);
                    if (value != null) {
                        admit(key, value);
                    }
                }
                return;
            }
            byte[] victim = victimFor(key);
            if (victim == null || nearCache.contains(key)) {
                return;
            }
            byte[] value = rocks.getCopy(key);
            if (value != null && nearCache.cacheable(value.length)) {
                evictAndPut(victim, key, value);
            }
        });
    }

    /** The cached key a candidate would replace in a full near-cache, or null when it does not earn a place. */
    private byte[] victimFor(byte[] key) {
        int candidate = sketch.frequency(FrequencySketch.hash(key));
        if (candidate < MIN_FREQUENCY_TO_EVICT) {
            return null;
        }
        byte[] victim = sampleVictim();
        return victim != null && sketch.frequency(FrequencySketch.hash(victim)) < candidate ? victim : null;
    }

    private void evictAndPut(byte[] victim, byte[] key, byte[] value) {
        nearCache.remove(victim);
        evictions++;
        if (nearCache.hasRoomFor(value.length)) {
            nearCache.put(key, value, true);
        }
    }

    private void admit(byte[] key, byte[] value) {
        if (!nearCache.cacheable(value.length)) {
            return;
        }
        if (nearCache.hasRoomFor(value.length)) {
            nearCache.put(key, value, true);
            return;
        }
        byte[] victim = victimFor(key);
        if (victim != null) {
            evictAndPut(victim, key, value);
        }
    }

    /** The least frequent of a few keys of a random segment, or null when it holds none. */
    private byte[] sampleVictim() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int segments = nearCache.segments();
        for (int attempt = 0; attempt < 4; attempt++) {
            int skip = random.nextInt(SAMPLES * 2);
            byte[][] best = new byte[1][];
            int[] bestFrequency = {Integer.MAX_VALUE};
            int[] seen = {0};
            nearCache.forEachKeyInSegment(random.nextInt(segments), k -> {
                if (seen[0]++ < skip) {
                    return true;
                }
                int f = sketch.frequency(FrequencySketch.hash(k));
                if (f < bestFrequency[0]) {
                    bestFrequency[0] = f;
                    best[0] = k;
                }
                return seen[0] < skip + SAMPLES;
            });
            if (best[0] == null && seen[0] > 0) {
                continue; // the segment had fewer keys than the skip: try again without relying on it
            }
            if (best[0] != null) {
                return best[0];
            }
        }
        return null;
    }

    long evictions() {
        return evictions;
    }
}
