package io.matstore.precompute;

import io.matstore.precompute.internal.HandlerContext;
import io.matstore.precompute.internal.ViewProcessingExceptionHandler;
import io.matstore.precompute.internal.ViewProductionExceptionHandler;
import io.matstore.schemas.ViewDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a view as a Kafka Streams application: creates the topics it needs when missing (source, dead-letter, the
 * compacted view topic), builds the topology with {@link ViewTopology}, runs it with exactly_once_v2.
 *
 * <p>The runner owns the client's state listener: Kafka Streams accepts one only before {@code start()}, so it is
 * installed here, before the client starts, logs every transition, and hands each one to the caller's listener
 * ({@link #start(View, PrecomputeConfig, KafkaStreams.StateListener)}). Callers never call
 * {@code streams().setStateListener}: on a started client it throws.
 */
public final class ViewRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ViewRunner.class);

    /** How long created topics may take to be described. */
    private static final Duration TOPIC_VISIBLE_TIMEOUT = Duration.ofSeconds(30);

    private ViewRunner() {}

    /** A started view: its descriptor, its streams client and the counters of its tasks. */
    public record Running(ViewDescriptor view, KafkaStreams streams, ViewCounters counters) implements AutoCloseable {
        /**
         * How long a stop waits for the stream threads. An open transaction left behind is aborted by the broker,
         * so a bounded close loses nothing.
         */
        static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

        /**
         * Leaves the group on close: a stop that lands while the group is still rebalancing after a start otherwise
         * waits for the rebalance (~40 s measured here), and the remaining instances would wait a session timeout.
         */
        @Override
        public void close() {
            if (!streams.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT))) {
                LOG.warn(
                        "stream threads still running {} s after close; an open transaction is aborted by the broker",
                        CLOSE_TIMEOUT.toSeconds());
            }
        }
    }

    /** Starts {@code view}; its state transitions are logged. */
    public static Running start(View<?, ?> view, PrecomputeConfig config) {
        return start(view, config, (now, before) -> {});
    }

    /**
     * Starts {@code view} with {@code listener} told of every state transition from the first ({@code CREATED ->
     * REBALANCING}) on, on the thread that makes it (a stream thread, or the caller's during start and close).
     */
    public static Running start(View<?, ?> view, PrecomputeConfig config, KafkaStreams.StateListener listener) {
        int sourcePartitions = ensureTopics(view, config);
        StreamsBuilder builder = new StreamsBuilder();
        ViewCounters counters =
                ViewTopology.build(builder, view, config.deadLetterTopic(), config.fanOutLimits(), sourcePartitions);
        Topology topology = builder.build();
        ViewDescriptor descriptor = view.descriptor();
        String applicationId = ViewTopology.applicationId(descriptor);
        KafkaStreams streams = new KafkaStreams(topology, streamsProperties(view, config, counters));
        streams.setStateListener((now, before) -> {
            LOG.info("view {} ({}): {} -> {}", descriptor, applicationId, before, now);
            listener.onChange(now, before);
        });
        streams.start();
        return new Running(descriptor, streams, counters);
    }

    /** The Kafka Streams properties of a view, its exception handlers counting into fresh counters. */
    public static Properties streamsProperties(View<?, ?> view, PrecomputeConfig config) {
        return streamsProperties(view, config, new ViewCounters());
    }

    /**
     * The Kafka Streams properties of a view, with its error policy: {@link ViewProductionExceptionHandler} and
     * {@link ViewProcessingExceptionHandler}, counting into {@code counters}.
     */
    public static Properties streamsProperties(View<?, ?> view, PrecomputeConfig config, ViewCounters counters) {
        Properties p = new Properties();
        // A fan-out of one FX change writes hundreds of thousands of records in one transaction: batch them.
        p.put(StreamsConfig.producerPrefix("linger.ms"), 5);
        p.put(StreamsConfig.producerPrefix("batch.size"), 256 * 1024);
        p.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        // With transactions v2 (Kafka 4.x) several in-flight batches at the start of a transaction can reach the
        // broker before the first one and fail with OutOfOrderSequenceException, which aborts the transaction and
        // re-processes from the last commit (seen here: seconds-long stalls). One request in flight keeps order.
        p.put(StreamsConfig.producerPrefix("max.in.flight.requests.per.connection"), 1);
        // A view task reads its source partition and two repartition topics that are nearly always empty. With the
        // default (0) Kafka Streams 4.3.1 builds String.format log messages for every empty input on every
        // processing check (8 % of the stream thread at 10,000 stock events/s, JFR); -1 processes what has arrived.
        // It may apply an entity event before a dimension event published earlier, which the view tolerates
        // (ViewTopology's javadoc): the end state is the same.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // The operator's kafka.* settings (security, tuning) replace the tuning above; what makes the job correct
        // and names it comes last and wins.
        p.putAll(config.kafkaClientSettings());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, ViewTopology.applicationId(view.descriptor()));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ViewProductionExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ViewProcessingExceptionHandler.class);
        p.put(
                HandlerContext.KEY,
                new HandlerContext(
                        view.descriptor().name() + ".v" + view.descriptor().version(), counters));
        return p;
    }

    /**
     * Creates what is missing; leaves existing topics as they are.
     *
     * @return the partitions of the view's source topics (the largest count, if they differ): its tasks
     */
    public static int ensureTopics(View<?, ?> view, PrecomputeConfig config) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String source : view.sourceTopics()) {
                addIfMissing(
                        missing, existing, new NewTopic(source, config.topicPartitions(), config.replicationFactor()));
            }
            addIfMissing(
                    missing,
                    existing,
                    new NewTopic(config.deadLetterTopic(), config.topicPartitions(), config.replicationFactor()));
            addIfMissing(
                    missing,
                    existing,
                    new NewTopic(view.descriptor().topic(), config.topicPartitions(), config.replicationFactor())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another instance creating the same topics at the same time is fine
                    }
                }
                awaitDescribable(admin, missing.stream().map(NewTopic::name).toList());
            }
            int partitions = 0;
            for (var description : admin.describeTopics(view.sourceTopics())
                    .allTopicNames()
                    .get()
                    .values()) {
                partitions = Math.max(partitions, description.partitions().size());
            }
            return partitions;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topics on " + config.bootstrapServers() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * A created topic's metadata reaches the broker's cache a moment after the creation returns; a caller that
     * describes it at once (a replay reading its partitions) was seen to get UnknownTopicOrPartitionException on a
     * loaded machine. Returns once every topic is described.
     */
    private static void awaitDescribable(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TOPIC_VISIBLE_TIMEOUT.toNanos();
        while (true) {
            try {
                admin.describeTopics(topics).allTopicNames().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void addIfMissing(List<NewTopic> missing, Set<String> existing, NewTopic topic) {
        if (!existing.contains(topic.name())
                && missing.stream().noneMatch(t -> t.name().equals(topic.name()))) {
            missing.add(topic);
        }
    }
}
