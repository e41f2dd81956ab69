package io.matstore.store.internal;

import io.matstore.store.StoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest loop of one view version: a read_committed consumer manually assigned the owned partitions (no group:
 * every replica of a partition ingests all of it), seeking to the offsets stored in RocksDB, applying each poll as
 * one atomic batch, and in between bringing hot keys near.
 *
 * <p>On any failure the loop records it (visible in {@code ViewStatus.ingestError}), drops its consumer, waits, and
 * starts again from the offsets RocksDB holds: nothing is skipped or applied twice, since those offsets were
 * committed in the same batch as the values.
 *
 * <p>It knows the version only through its {@link IngestSink}: what to read, where batches go, and the moments it
 * reports.
 */
final class Ingestor {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    private static final long END_OFFSETS_REFRESH_NANOS = 200_000_000L;
    private static final long RETRY_BACKOFF_MILLIS = 1_000;
    private static final long DISK_CHECK_MILLIS = 500;

    private final IngestSink sink;
    private final VersionMeters meters;
    private final StoreConfig config;
    private final Thread thread;
    private final Map<Integer, Long> endOffsets = new ConcurrentHashMap<>();
    private final Object caughtUpMonitor = new Object();
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile String error;
    private volatile long lastCaughtUpMillis;
    /** {@link System#nanoTime} at which the end offsets last found caught up were requested; 0: never. */
    private long caughtUpAsOfNanos;
    /**
     * End offsets seen at {@link #targetNanos} / {@link #targetMillis} that ingest has not reached yet, or null.
     * Caught up means reaching ends seen earlier, not being at the end at the instant of a check: under steady
     * traffic the position trails a moving end by a batch at every instant (measured: a version fed ~1,600
     * responses/s never looked caught up to an instantaneous check, so /readyz and validation never passed).
     */
    private Map<Integer, Long> target;

    private long targetNanos;
    private long targetMillis;
    private final LoadProgress progress = new LoadProgress();
    private final DiskSpace disk;
    private final Object pauseMonitor = new Object();
    private volatile boolean pausedForDisk;
    private volatile boolean fatal;
    /** A write may have failed: RocksDB may hold a background error that refuses writes until resumed. */
    private boolean needsResume;

    Ingestor(IngestSink sink, VersionMeters meters, StoreConfig config) {
        this.sink = sink;
        this.meters = meters;
        this.config = config;
        this.disk = new DiskSpace(sink.dir(), config.minFreeDiskBytes());
        this.thread = new Thread(this::run, "ingest-" + sink.descriptor().topic());
        this.thread.setDaemon(true);
        if (sink.needsBulkLoad()) {
            progress.bulk(0); // status says so from the start, not only once the end offsets are known
        }
    }

    void start() {
        thread.start();
    }

    private void run() {
        // Everything this thread does (opening and refilling the near-cache, the bulk part and its writer thread,
        // which inherits the value, live ingest) is background work beside the serving threads.
        ThreadNice.lowerCurrentThread(config.backgroundNice());
        try {
            // Here, not before the node answers: reads go to RocksDB until it is open (VersionStore).
            boolean rebuilt = sink.openNearCache();
            // A version still to be bulk loaded may hold leftovers of an interrupted attempt: never cache those.
            if (rebuilt && !sink.needsBulkLoad()) {
                refillNearCache();
            }
            loop();
        } catch (Error e) {
            // Only an error judged fatal gets here (see onFailure): say so where operators look, then let it go on.
            error = "ingest stopped by a fatal error, restart the node: " + e;
            fatal = true;
            LOG.error(
                    "ingest of {} stopped by a fatal error; the version keeps answering what it stores, restart"
                            + " the node",
                    sink.descriptor().topic(),
                    e);
            throw e;
        }
    }

    private void loop() {
        while (running) {
            try {
                if (!awaitDiskSpace()) {
                    return;
                }
                resumeRocksIfFailed();
            } catch (RuntimeException e) {
                onFailure(e);
                continue;
            }
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                    consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    // stop() ran before it could see this consumer to wake it: blocking calls would wait out their
                    // timeouts (30 s with the broker unreachable). Both fields are volatile: one side sees the other.
                    return;
                }
                VersionMeters.Binding clientMetrics = meters.bindConsumer(c);
                try {
                    if (sink.needsBulkLoad() && !bulkLoad(c)) {
                        return; // stopped during the bulk part
                    }
                    ingest(c);
                } finally {
                    clientMetrics.close(); // before the consumer: its meters go with it
                }
            } catch (WakeupException e) {
                if (running) {
                    onFailure(e);
                }
            } catch (RuntimeException e) {
                onFailure(e);
            } catch (Error e) {
                if (!survivable(e)) {
                    throw e;
                }
                onFailure(e);
            } finally {
                consumer = null;
            }
        }
    }

    /**
     * Which errors the loop retries like exceptions: all but the virtual machine's own faults other than running out
     * of heap or stack. Retrying is safe whatever failed, since it restarts from the offsets stored with the values;
     * an out-of-memory or a stack overflow unwinds this thread's work and may not happen again (a huge poll, a deep
     * record), a linkage or assertion error repeats at worst once a second. An {@link InternalError} (e.g. a fault
     * in a memory-mapped file) or {@link UnknownError} means the JVM cannot vouch for its own state: the loop stops
     * and says so in the status rather than go on writing.
     */
    static boolean survivable(Error e) {
        return !(e instanceof VirtualMachineError) || e instanceof OutOfMemoryError || e instanceof StackOverflowError;
    }

    /**
     * Waits while the file system lacks {@code store.disk.min.free.bytes}, with the reason in the status and the
     * pause gauge at 1; then resumes RocksDB (a write that failed on the full disk left it refusing writes).
     *
     * @return false when stopped meanwhile
     */
    private boolean awaitDiskSpace() {
        String shortage = disk.shortage();
        if (shortage == null) {
            return true;
        }
        LOG.warn("{}", shortage);
        pausedForDisk = true;
        try {
            while (running && shortage != null) {
                error = shortage;
                synchronized (pauseMonitor) {
                    pauseMonitor.wait(DISK_CHECK_MILLIS);
                }
                shortage = disk.shortage();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            pausedForDisk = false;
        }
        if (!running) {
            return false;
        }
        needsResume = true;
        resumeRocksIfFailed();
        error = null;
        LOG.info(
                "ingest of {} resumes: {} bytes usable again", sink.descriptor().topic(), disk.usableBytes());
        return true;
    }

    private void resumeRocksIfFailed() {
        if (needsResume) {
            sink.resumeWrites();
            needsResume = false;
        }
    }

    /**
     * The bulk part of a fresh version, then its offsets, then the near-cache warmed: the current version's hot keys
     * first, then key order up to capacity. Why warm it: the version is about to take all traffic at a swap, its
     * data was just written (hot in the page cache), and admission later replaces filled entries (frequency 0)
     * with keys that turn out hot.
     *
     * @return false when stopped before the bulk part finished
     */
    private boolean bulkLoad(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> owned = owned();
        c.assign(owned);
        BulkLoader loader = sink.bulkLoader(progress);
        Map<Integer, Long> next = loader.load(c, owned, () -> running);
        if (next == null) {
            return false;
        }
        sink.onBulkLoaded(next);
        error = null;
        progress.warming();
        try {
            sink.warmNearCache();
        } catch (RuntimeException e) {
            LOG.warn("could not warm the near-cache of {}; it fills as keys are read", sink.descriptor(), e);
        }
        progress.live();
        return true;
    }

    private void refillNearCache() {
        try {
            sink.refillNearCache();
        } catch (RuntimeException e) {
            LOG.warn("could not refill the near-cache of {}; it fills as keys are read", sink.descriptor(), e);
        }
    }

    private List<TopicPartition> owned() {
        List<TopicPartition> owned = new ArrayList<>();
        for (int p : new java.util.TreeSet<>(sink.partitions())) {
            owned.add(new TopicPartition(sink.descriptor().topic(), p));
        }
        return owned;
    }

    /** Carries over when the ingest this one replaces was last caught up (see {@code VersionStore.restartIngest}). */
    void caughtUpBefore(long millis) {
        lastCaughtUpMillis = millis;
    }

    LoadProgress progress() {
        return progress;
    }

    private void onFailure(Throwable e) {
        String failure = e.toString();
        if (failure.equals(error)) {
            // The same failure again (a broker down for minutes, a topic not created yet): one line per retry, the
            // stack trace was logged the first time.
            LOG.warn(
                    "ingest of {} still failing ({}); retrying in {} ms",
                    sink.descriptor().topic(),
                    failure,
                    RETRY_BACKOFF_MILLIS);
        } else {
            LOG.error(
                    "ingest of {} failed; retrying from the stored offsets in {} ms",
                    sink.descriptor().topic(),
                    RETRY_BACKOFF_MILLIS,
                    e);
        }
        error = failure;
        needsResume = true;
        meters.onIngestFailure();
        try {
            Thread.sleep(RETRY_BACKOFF_MILLIS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void ingest(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> owned = owned();
        c.assign(owned);
        Map<Integer, Long> stored = sink.storedOffsets();
        Map<Integer, Long> positions = new HashMap<>();
        for (TopicPartition tp : owned) {
            Long offset = stored.get(tp.partition());
            if (offset == null) {
                c.seekToBeginning(List.of(tp));
            } else {
                c.seek(tp, offset);
                positions.put(tp.partition(), offset);
            }
        }
        long lastRefresh = 0;
        Duration pollTimeout = config.pollTimeout();
        long lastDiskCheck = System.nanoTime();
        while (running) {
            long beforePoll = System.nanoTime();
            if (beforePoll - lastDiskCheck >= DISK_CHECK_MILLIS * 1_000_000L) {
                lastDiskCheck = beforePoll;
                if (!awaitDiskSpace()) {
                    return;
                }
            }
            ConsumerRecords<byte[], byte[]> polled = c.poll(pollTimeout);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
            for (ConsumerRecord<byte[], byte[]> r : polled) {
                if (r.key() == null) {
                    LOG.warn("skipping record without key at {}-{}@{}", r.topic(), r.partition(), r.offset());
                    continue;
                }
                records.add(r);
            }
            Map<Integer, Long> advanced = new HashMap<>();
            for (TopicPartition tp : owned) {
                long position = c.position(tp);
                Long before = positions.get(tp.partition());
                if (before == null || before != position) {
                    advanced.put(tp.partition(), position);
                }
            }
            if (!records.isEmpty() || !advanced.isEmpty()) {
                sink.apply(records, advanced);
                positions.putAll(advanced);
                checkCaughtUp(positions);
                error = null;
            }
            sink.maintainNearCache();
            long now = System.nanoTime();
            if (now - lastRefresh >= END_OFFSETS_REFRESH_NANOS || polled.isEmpty()) {
                lastRefresh = now;
                refreshEndOffsets(c, owned, positions, now);
                // Only an answer from the broker clears the error: an empty poll also "succeeds" with the broker
                // down (positions seeked from RocksDB need no broker), and clearing on it made the status flap
                // between ingest-error and fresh for as long as an outage lasted.
                error = null;
            }
        }
    }

    private void refreshEndOffsets(
            KafkaConsumer<byte[], byte[]> c,
            List<TopicPartition> owned,
            Map<Integer, Long> positions,
            long requestedAtNanos) {
        long requestedAtMillis = System.currentTimeMillis();
        Map<TopicPartition, Long> ends = c.endOffsets(owned, Duration.ofSeconds(5));
        Map<Integer, Long> byPartition = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            byPartition.put(e.getKey().partition(), e.getValue());
        }
        endOffsets.putAll(byPartition);
        if (target == null) {
            target = byPartition;
            targetNanos = requestedAtNanos;
            targetMillis = requestedAtMillis;
        }
        checkCaughtUp(positions);
    }

    /** Signals "caught up as of the time the target ends were requested" once every position has reached them. */
    private void checkCaughtUp(Map<Integer, Long> positions) {
        if (target == null) {
            return;
        }
        for (Map.Entry<Integer, Long> e : target.entrySet()) {
            if (positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return;
            }
        }
        target = null;
        sink.onCaughtUp(targetMillis);
        lastCaughtUpMillis = targetMillis;
        synchronized (caughtUpMonitor) {
            caughtUpAsOfNanos = targetNanos;
            caughtUpMonitor.notifyAll();
        }
    }

    /** Waits for a caught-up observation whose end offsets were requested after this call began. */
    boolean awaitCaughtUp(long timeoutMillis) throws InterruptedException {
        long since = System.nanoTime();
        long deadline = since + timeoutMillis * 1_000_000L;
        synchronized (caughtUpMonitor) {
            while (caughtUpAsOfNanos - since <= 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                caughtUpMonitor.wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(config.consumerOverrides());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "response-store-" + sink.descriptor().topic());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }

    Map<Integer, Long> endOffsets() {
        return Map.copyOf(endOffsets);
    }

    long lastCaughtUpMillis() {
        return lastCaughtUpMillis;
    }

    String error() {
        return error;
    }

    /** Whether ingest is failing now: between a failure and the next successful poll. */
    boolean failing() {
        return error != null;
    }

    /** Whether ingest is paused for lack of disk space now. */
    boolean pausedForDisk() {
        return pausedForDisk;
    }

    /** Whether ingest stopped for good on an error it cannot survive (see {@link #survivable}). */
    boolean stoppedByFatalError() {
        return fatal;
    }

    void stop() {
        running = false;
        synchronized (pauseMonitor) {
            pauseMonitor.notifyAll();
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                c.wakeup();
            } catch (RuntimeException e) {
                LOG.debug(
                        "consumer of {} closed while waking it",
                        sink.descriptor().topic(),
                        e);
            }
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn(
                    "ingest thread of {} did not stop within 30 s",
                    sink.descriptor().topic());
        }
    }
}
