package io.matstore.store.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Memory is bounded by {@code runBytes} (plus one poll). Records at or beyond the captured end are left to live
 * ingest, which continues from the returned offsets.
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
        SortedRun run = new SortedRun();
        int runs = 0;
        while (!loading.isEmpty()) {
            if (!running.getAsBoolean()) {
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
                run.put(r.key(), r.value());
            }
            long loaded = 0;
            for (TopicPartition tp : owned) {
                long position = loading.contains(tp) ? c.position(tp) : end.get(tp);
                loaded += Math.min(position, end.get(tp)) - begin.get(tp);
                if (position >= end.get(tp) && loading.remove(tp)) {
                    c.pause(List.of(tp));
                }
            }
            if (run.bytes() >= runBytes) {
                ingest(run, runs++);
            }
            progress.loaded(loaded);
        }
        if (!run.isEmpty()) {
            ingest(run, runs++);
        }
        c.resume(owned);
        Map<Integer, Long> next = new HashMap<>();
        for (TopicPartition tp : owned) {
            next.put(tp.partition(), end.get(tp));
        }
        long millis = Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
        LOG.info("bulk loaded {} records of {} in {} runs, {} ms ({} records/s)", target, owned, runs, millis,
                target * 1000 / millis);
        return next;
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
            throw new io.matstore.store.StoreException("cannot prepare bulk run directory " + runDir + ": "
                    + e.getMessage(), e);
        }
    }
}
