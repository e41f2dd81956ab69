package io.matstore.serving.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's view of, and voice in, its cluster's membership topic ({@link MembersTopic}: compacted, one partition,
 * key = node id, value = {@link Member} JSON, null = gone).
 *
 * <p><b>Announcer.</b> {@link #offer} sends this node's entry when it changed, or when a heartbeat is due
 * ({@code cluster.heartbeat.ms}); the record timestamp is the heartbeat. {@link #close} writes a tombstone.
 *
 * <p><b>Watcher.</b> One thread reads the topic from the beginning (a consumer without group) into the log-derived
 * state: per node its last entry and heartbeat. The {@link Snapshot#generation() generation} is the offset + 1 of the
 * last record that changed an entry's content (a heartbeat with the same bytes does not), so every node that has
 * read the same records agrees on it. An entry whose heartbeat is older than {@code cluster.member.timeout.ms} is
 * not live; once caught up, the watcher also tombstones it, so its removal gets a generation every node agrees on
 * (if the node was only paused, its next heartbeat brings it back). Heartbeats are compared with this node's clock:
 * nodes' clocks must agree to well within the timeout.
 */
public final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final ClusterSettings settings;
    private final LongSupplier clock;
    private final TopicPartition partition;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread watcher;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Long> tombstoned = new HashMap<>();
    private volatile Snapshot snapshot = new Snapshot(0, Map.of(), 0);
    private volatile boolean running = true;
    private volatile String ownId;
    private byte[] lastSent;
    private long lastSentMillis;
    private long generation;

    /** One node's last entry and when it was refreshed. */
    public record Entry(Member member, byte[] bytes, long heartbeatMillis) {}

    /**
     * The log-derived state at one moment: entries by node id, the generation, and how many records were applied
     * (to notice any change cheaply).
     */
    public record Snapshot(long generation, Map<String, Entry> entries, long applied) {
        /** Entries refreshed within {@code timeoutMillis} of {@code nowMillis}, by node id. */
        public Map<String, Member> live(long nowMillis, long timeoutMillis) {
            Map<String, Member> out = new HashMap<>();
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                if (nowMillis - e.getValue().heartbeatMillis() <= timeoutMillis) {
                    out.put(e.getKey(), e.getValue().member());
                }
            }
            return out;
        }
    }

    private Membership(ClusterSettings settings, Map<String, Object> kafka, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.partition = MembersTopic.ensure(settings.membersTopic(), kafka);
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "matstore-members-announcer-" + settings.cellId());
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "matstore-members-watcher-" + settings.cellId());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.producer = new KafkaProducer<>(p);
        this.consumer = new KafkaConsumer<>(c);
        this.watcher = new Thread(this::watch, "matstore-members-watcher");
        this.watcher.setDaemon(true);
    }

    /**
     * Creates the membership topic when missing and starts reading it.
     *
     * @param kafka client properties ({@code bootstrap.servers} and the {@code kafka.*} settings)
     */
    public static Membership start(ClusterSettings settings, Map<String, Object> kafka, LongSupplier clock) {
        if (!settings.clustered()) {
            throw new IllegalArgumentException(ClusterSettings.NAME + " is empty: a standalone node has no membership");
        }
        Membership m = new Membership(settings, kafka, clock);
        m.watcher.start();
        return m;
    }

    public ClusterSettings settings() {
        return settings;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Live members now, by node id. */
    public Map<String, Member> live() {
        return snapshot.live(clock.getAsLong(), settings.memberTimeoutMillis());
    }

    /** Waits until the watcher has read the topic up to its end as of its start. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The live cells after the membership has settled: the topic read to its end, then one heartbeat period so that
     * nodes starting at the same time see each other; {@code own} included.
     *
     * @throws IllegalStateException when the topic cannot be read within {@code timeout}
     */
    public Set<String> settledCells(String own, Duration timeout) throws InterruptedException {
        if (!awaitCaughtUp(timeout)) {
            throw new IllegalStateException("membership topic " + settings.membersTopic() + " not read to its end"
                    + " within " + timeout.toMillis() + " ms");
        }
        Thread.sleep(settings.heartbeatMillis());
        Set<String> cells = new TreeSet<>();
        for (Member m : live().values()) {
            cells.add(m.cell());
        }
        cells.add(own);
        return cells;
    }

    /** Sends this node's entry when it differs from the last one sent or a heartbeat is due. One caller thread. */
    public void offer(Member self) {
        byte[] bytes = self.encode();
        long now = clock.getAsLong();
        if (lastSent != null && Arrays.equals(bytes, lastSent) && now - lastSentMillis < settings.heartbeatMillis()) {
            return;
        }
        ownId = self.node();
        producer.send(
                new ProducerRecord<>(partition.topic(), partition.partition(), now, self.node(), bytes), (md, e) -> {
                    if (e != null) {
                        LOG.warn(
                                "membership heartbeat of {} to {} failed: {}",
                                self.node(),
                                partition.topic(),
                                e.toString());
                    }
                });
        lastSent = bytes;
        lastSentMillis = now;
    }

    private void watch() {
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30))
                    .get(partition);
            while (running) {
                List<ConsumerRecord<String, byte[]>> records =
                        consumer.poll(Duration.ofMillis(100)).records(partition);
                boolean changed = !records.isEmpty();
                for (ConsumerRecord<String, byte[]> r : records) {
                    apply(r);
                }
                if (caughtUp.getCount() > 0 && consumer.position(partition) >= end) {
                    caughtUp.countDown();
                }
                if (caughtUp.getCount() == 0) {
                    expire(clock.getAsLong());
                }
                if (changed) {
                    snapshot = new Snapshot(generation, Map.copyOf(entries), snapshot.applied() + records.size());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("membership watcher of {} stopped: {}", partition.topic(), e.toString(), e);
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String node = r.key();
        if (node == null) {
            return;
        }
        if (r.value() == null) {
            if (entries.remove(node) != null) {
                generation = r.offset() + 1;
            }
            return;
        }
        Member m;
        try {
            m = Member.decode(r.value());
        } catch (RuntimeException e) {
            LOG.warn("skipping {} at offset {} of {}: {}", node, r.offset(), partition, e.getMessage());
            return;
        }
        Entry old = entries.put(node, new Entry(m, r.value(), r.timestamp()));
        if (old == null || !Arrays.equals(old.bytes(), r.value())) {
            generation = r.offset() + 1;
        }
    }

    private void expire(long now) {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String node = e.getKey();
            long beat = e.getValue().heartbeatMillis();
            if (node.equals(ownId)
                    || now - beat <= settings.memberTimeoutMillis()
                    || Long.valueOf(beat).equals(tombstoned.get(node))) {
                continue;
            }
            tombstoned.put(node, beat);
            LOG.info(
                    "member {} of cell {} missed its heartbeats for {} ms; tombstoning it",
                    node,
                    e.getValue().member().cell(),
                    now - beat);
            producer.send(tombstone(node, now));
        }
    }

    private ProducerRecord<String, byte[]> tombstone(String node, long timestamp) {
        return new ProducerRecord<>(
                partition.topic(), partition.partition(), Long.valueOf(timestamp), node, (byte[]) null);
    }

    /** Stops watching and, when this node announced itself, writes its tombstone (a clean leave). */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            watcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String id = ownId;
        if (id != null) {
            try {
                producer.send(tombstone(id, clock.getAsLong())).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn(
                        "could not write the tombstone of {} to {}: {}; it expires after {} ms",
                        id,
                        partition.topic(),
                        e.toString(),
                        settings.memberTimeoutMillis());
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}
