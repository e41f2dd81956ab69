package io.matstore.store.internal;

import io.matstore.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk part of loading a fresh version: reads the owned partitions from the beginning up to the end offsets
 * (read_committed: last stable offsets) captured when it starts, folds them into bounded {@link SortedRun}s and
 * ingests each run as an SST file, in log order, so later runs win key by key.
 *
 * <p>Nothing goes through the WAL or the memtable, and no offset is stored until every run is in: the caller stores
 * the returned offsets afterwards. A crash before that leaves values without offsets, which the next attempt
 * clears before it starts ({@link RocksViewDb#clearValues}): the bulk part restarts from an empty version.
 *
 * <p>Runs are written and ingested on a writer thread while the next run fills: reading the topic and writing SST
 * files overlap (docs/benchmarks.md, "Loading alone: bulk vs live"). One run at a time is handed over and runs are
 * ingested in order, so memory is bounded by two arenas of {@code runBytes}, off the heap (plus one poll on it).
 * Records at or beyond the captured end are left to live ingest, which continues from the returned offsets.
 */
final class BulkLoader {
    private static final Logger LOG = LoggerFactory.getLogger(BulkLoader.class);

    private final RocksViewDb rocks;
    private final Path runDir;
    private final long runBytes;
    private final Duration pollTimeout;
    private final LoadProgress progress;

    BulkLoader(RocksViewDb rocks, Path runDir, long runBytes, Duration pollTimeout, LoadProgress progress) {
        this.rocks = rocks;
        this.runDir = runDir;
        this.runBytes = runBytes;
        this.pollTimeout = pollTimeout;
        this.progress = progress;
    }

    /**
     * Loads the assigned partitions of {@code c} up to their end offsets as of now.
     *
     * @return the next offset of every owned partition once all runs are ingested, or null when stopped first
     */
    Map<Integer, Long> load(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> owned, BooleanSupplier running) {
        if (rocks.hasValues()) {
            LOG.info("clearing what an interrupted bulk load left in {}", rocks.dir());
            rocks.clearValues();
        }
        prepareRunDir();
        c.seekToBeginning(owned);
        Map<TopicPartition, Long> begin = c.beginningOffsets(owned, Duration.ofSeconds(30));
        Map<TopicPartition, Long> end = c.endOffsets(owned, Duration.ofSeconds(30));
        long target = 0;
        List<TopicPartition> loading = new ArrayList<>();
        for (TopicPartition tp : owned) {
            long records = end.get(tp) - begin.get(tp);
            target += records;
            if (records > 0) {
                loading.add(tp);
            }
        }
        progress.bulk(target);
        List<TopicPartition> done = new ArrayList<>(owned);
        done.removeAll(loading);
        c.pause(done);
        LOG.info("bulk loading {} records of {} up to end offsets {}", target, owned, end);

        long startNanos = System.nanoTime();
        Path versionDir = runDir.toAbsolutePath().getParent();
        String name = "bulk-writer-" + versionDir.getParent().getFileName() + "-" + versionDir.getFileName();
        // created from the ingest thread on the first run: on Linux it inherits that thread's nice (ThreadNice)
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        // two arenas, one filling while the writer thread writes the other; freed once that thread has stopped
        SortedRun first = null;
        SortedRun second = null;
        try {
            first = new SortedRun(Math.toIntExact(runBytes));
            second = new SortedRun(Math.toIntExact(runBytes));
            Map<Integer, Long> next = foldRuns(c, owned, running, loading, begin, end, writer, first, second);
            if (next != null) {
                long millis = Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
                LOG.info(
                        "bulk loaded {} records of {} in {} ms ({} records/s)",
                        target,
                        owned,
                        millis,
                        target * 1000 / millis);
            }
            return next;
        } finally {
            // On failure or stop, a run being written finishes before the ingest thread moves on (seconds at most).
            writer.shutdown();
            if (awaitTermination(writer)) {
                if (first != null) {
                    first.close();
                }
                if (second != null) {
                    second.close();
                }
            } // else a run may still be written from its arena: the collector frees both once it is done
        }
    }

    private Map<Integer, Long> foldRuns(
            KafkaConsumer<byte[], byte[]> c,
            List<TopicPartition> owned,
            BooleanSupplier running,
            List<TopicPartition> loading,
            Map<TopicPartition, Long> begin,
            Map<TopicPartition, Long> end,
            ExecutorService writer,
            SortedRun first,
            SortedRun second) {
        SortedRun run = first;
        SortedRun spare = second;
        int runs = 0;
        Future<?> writing = null;
        while (!loading.isEmpty()) {
            if (!running.getAsBoolean()) {
                await(writing); // its file is in RocksDB or deleted: nothing half-written stays behind
                return null;
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(pollTimeout)) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= end.get(tp)) {
                    continue; // live ingest takes it from the returned offset
                }
                if (r.key() == null) {
                    LOG.warn("skipping record without key at {}-{}@{}", r.topic(), r.partition(), r.offset());
                    continue;
                }
                if (!run.put(r.key(), r.value())) {
                    writing = handOver(writer, writing, run, runs++); // returns once the spare is written
                    SortedRun full = run;
                    run = spare;
                    spare = full;
                    run.put(r.key(), r.value()); // an empty run takes any record
                }
            }
            long loaded = 0;
            for (TopicPartition tp : owned) {
                long position = loading.contains(tp) ? c.position(tp) : end.get(tp);
                loaded += Math.min(position, end.get(tp)) - begin.get(tp);
                if (position >= end.get(tp) && loading.remove(tp)) {
                    c.pause(List.of(tp));
                }
            }
            progress.loaded(loaded);
        }
        if (!run.isEmpty()) {
            writing = handOver(writer, writing, run, runs++);
        }
        await(writing);
        LOG.debug("bulk part of {} written in {} runs", rocks.dir(), runs);
        c.resume(owned);
        Map<Integer, Long> next = new HashMap<>();
        for (TopicPartition tp : owned) {
            next.put(tp.partition(), end.get(tp));
        }
        return next;
    }

    /** Waits for the run being written (runs go in in order, and two arenas take turns), then hands this one over. */
    private Future<?> handOver(ExecutorService writer, Future<?> writing, SortedRun run, int index) {
        await(writing);
        return writer.submit(() -> ingest(run, index));
    }

    /** @return whether the writer thread has stopped */
    private static boolean awaitTermination(ExecutorService writer) {
        try {
            if (writer.awaitTermination(60, TimeUnit.SECONDS)) {
                return true;
            }
            LOG.warn("a bulk run is still being written after 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static void await(Future<?> writing) {
        if (writing == null) {
            return;
        }
        try {
            writing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("bulk run failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while a bulk run was written", e);
        }
    }

    private void ingest(SortedRun run, int index) {
        Path file = runDir.resolve(String.format("run-%06d.sst", index));
        int entries = run.size();
        run.writeTo(file);
        rocks.ingestRun(file);
        try {
            Files.deleteIfExists(file); // moved in (hard-linked); the name here is no longer needed
        } catch (IOException e) {
            LOG.warn("cannot delete ingested run {}: {}", file, e.toString());
        }
        LOG.debug("ingested bulk run {} ({} keys) into {}", index, entries, rocks.dir());
    }

    /** Starts from an empty run directory: files of an interrupted attempt were never ingested. */
    private void prepareRunDir() {
        try {
            Files.createDirectories(runDir);
            try (Stream<Path> files = Files.list(runDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot prepare bulk run directory " + runDir + ": " + e.getMessage(), e);
        }
    }
}
