package io.matstore.views.offers;

import io.matstore.precompute.FanOutLimits;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewTopology;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The offers topology in a TopologyTestDriver, with readers that decode what it writes. */
final class OffersDriver implements AutoCloseable {
    static final String SOURCE = "offers.events";
    static final String DLQ = "offers.events.dlq";
    static final Instant WALL_CLOCK = Instant.parse("2026-01-02T03:04:05.678Z");

    /** One view record: the key's values and the decoded response, or {@code null} for a tombstone. */
    record Out(List<String> key, OfferResponse response, ResponseEnvelope envelope) {
        String sku() {
            return key.get(0);
        }

        boolean tombstone() {
            return response == null;
        }
    }

    final ViewCounters counters;
    final ViewDescriptor descriptor;
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> input;
    private final TestOutputTopic<byte[], byte[]> view;
    private final TestOutputTopic<byte[], byte[]> deadLetters;

    OffersDriver(List<String> regions, int version) {
        this(regions, version, OpenTelemetry.noop());
    }

    /** @param openTelemetry records the spans of traced events */
    OffersDriver(List<String> regions, int version, OpenTelemetry openTelemetry) {
        this(new OffersView(SOURCE, regions, version), openTelemetry, FanOutLimits.DEFAULTS);
    }

    /** @param limits what one event may write */
    OffersDriver(List<String> regions, FanOutLimits limits) {
        this(new OffersView(SOURCE, regions, 1), OpenTelemetry.noop(), limits);
    }

    OffersDriver(OffersView offers, OpenTelemetry openTelemetry) {
        this(offers, openTelemetry, FanOutLimits.DEFAULTS);
    }

    private OffersDriver(OffersView offers, OpenTelemetry openTelemetry, FanOutLimits limits) {
        // The test driver has one partition per topic: every entity event keyed by its sku is in place, as the
        // runner's are on a real broker.
        this(offers, openTelemetry, limits, 1);
    }

    /**
     * @param entityPartitions the source partitions the topology is built for; the test driver puts every record on
     *     partition 0, so with more an entity event whose key hashes elsewhere takes the repartition hop
     */
    OffersDriver(OffersView offers, OpenTelemetry openTelemetry, FanOutLimits limits, int entityPartitions) {
        StreamsBuilder builder = new StreamsBuilder();
        descriptor = offers.descriptor();
        counters = ViewTopology.build(builder, offers, DLQ, openTelemetry, limits, entityPartitions);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, ViewTopology.applicationId(descriptor));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        // its own state directory: two drivers of the same application in one test must not share RocksDB locks
        try {
            p.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("offers-driver-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(builder.build(), p, WALL_CLOCK);
        input = driver.createInputTopic(SOURCE, new ByteArraySerializer(), new ByteArraySerializer());
        view = driver.createOutputTopic(descriptor.topic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Names of the topics the topology wrote so far, internal ones included. */
    java.util.Set<String> producedTopics() {
        return driver.producedTopicNames();
    }

    OffersDriver(List<String> regions) {
        this(regions, 1);
    }

    OffersDriver() {
        this(OffersView.DEFAULT_REGIONS);
    }

    /** Version 1, default regions, FX fan-outs cut into chunks of {@code combinations}. */
    static OffersDriver withFanOutChunk(int combinations) {
        return new OffersDriver(
                new OffersView(SOURCE, OffersView.DEFAULT_REGIONS).withFanOutChunk(combinations), OpenTelemetry.noop());
    }

    /** As {@link #withFanOutChunk(int)}, with the runner's fan-out limits. */
    static OffersDriver withFanOutChunk(int combinations, FanOutLimits limits) {
        return new OffersDriver(
                new OffersView(SOURCE, OffersView.DEFAULT_REGIONS).withFanOutChunk(combinations),
                OpenTelemetry.noop(),
                limits);
    }

    /** Moves the driver's wall clock, firing the wall-clock punctuations that are due (fan-out chunks). */
    void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    static OffersDriver version(int version) {
        return new OffersDriver(OffersView.DEFAULT_REGIONS, version);
    }

    void publish(String key, byte[] value) {
        input.pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Publishes with record headers (e.g. a W3C traceparent). */
    void publish(String key, byte[] value, Headers headers) {
        input.pipeInput(new TestRecord<>(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers, WALL_CLOCK));
    }

    /** The view records as written, headers included. */
    List<TestRecord<byte[], byte[]>> readRecords() {
        return view.readRecordsToList();
    }

    List<Out> read() {
        List<Out> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : view.readRecordsToList()) {
            List<String> key = KeyCodec.decode(descriptor, r.key());
            if (r.value() == null) {
                out.add(new Out(key, null, null));
            } else {
                ResponseEnvelope envelope = ResponseEnvelopes.open(r.value());
                OfferResponse response = OfferResponse.getRootAsOfferResponse(
                        ByteBuffer.wrap(ResponseEnvelopes.responseBytes(envelope)));
                out.add(new Out(key, response, envelope));
            }
        }
        return out;
    }

    List<TestRecord<byte[], byte[]>> readDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
    }
}
