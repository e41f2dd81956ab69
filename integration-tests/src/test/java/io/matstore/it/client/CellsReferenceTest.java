package io.matstore.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matstore.client.LookupResult;
import io.matstore.client.MatstoreClient;
import io.matstore.it.precompute.OffersReference;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.publish.Progress;
import io.matstore.precompute.publish.Publisher;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventFormat;
import io.matstore.views.offers.OffersJson;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path across cells: a generated offers stream (products, stock, promotions, FX changes) through the real
 * precompute job into an 8-partition view topic, two cells of two replicas each holding their share, and the client
 * reaching every combination from one bootstrap URL: every answer equals an independent reference computation over
 * the same events, and every lookup took one hop (no node answered 421).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CellsReferenceTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final int PARTITIONS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @Test
    void shouldAnswerEveryCombinationAsTheReferenceInOneHop() throws Exception {
        String source = "cells.offers.events";
        KAFKA.createTopic(source, PARTITIONS);
        DemoEventGenerator generator =
                new DemoEventGenerator(120, OffersView.DEFAULT_REGIONS, 7L, new DemoEventGenerator.Mix(10, 150));
        List<OffersEvent> events = new ArrayList<>();
        generator.catalogue(events::add);
        for (int i = 0; i < 600; i++) {
            events.add(generator.next());
        }
        Path file = dir.resolve("events.jsonl");
        Files.write(file, events.stream().map(OffersJson::format).toList(), StandardCharsets.UTF_8);
        OffersReference reference = new OffersReference(OffersView.DEFAULT_REGIONS);
        events.forEach(reference::apply);
        Map<List<String>, OffersReference.Offer> expected = reference.responses();
        List<Map<String, String>> keys = new ArrayList<>();
        for (List<String> k : expected.keySet()) {
            keys.add(Map.of("sku", k.get(0), "region", k.get(1), "currency", k.get(2), "tier", k.get(3)));
        }

        PrecomputeConfig config = PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC, source,
                PrecomputeConfig.DEAD_LETTER_TOPIC, source + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                PrecomputeConfig.STATE_DIR, dir.resolve("job").toString()));
        Publisher.publish(new OffersEventFormat(), config, source, file, Progress.NONE);
        try (ViewRunner.Running job = ViewRunner.start(OffersSettings.view(config), config);
                TwoCells cells = TwoCells.start(dir, KAFKA.bootstrapServers(), "reference-it", PARTITIONS);
                MatstoreClient client = MatstoreClient.builder()
                        .bootstrap(List.of(cells.urls.get(0)))
                        .build()) {
            assertThat(expected).hasSizeGreaterThan(1_000);
            assertThat(job.streams().state().isRunningOrRebalancing()).isTrue();
            Awaitility.await("every combination answered as the reference computes it")
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> mismatches(client.getAll("offers", keys), expected) == 0);
            double before = cells.misdirected();
            for (int i = 0; i < keys.size(); i += 7) {
                client.get("offers", keys.get(i));
            }
            assertThat(mismatches(client.getAll("offers", keys), expected)).isZero();
            assertThat(cells.misdirected() - before)
                    .as("421 answers once the client has the routing table")
                    .isZero();
        }
    }

    private static int mismatches(List<LookupResult> results, Map<List<String>, OffersReference.Offer> expected) {
        int bad = 0;
        for (LookupResult r : results) {
            if (!r.found()) {
                bad++;
                continue;
            }
            OffersReference.Offer served = parse(r.json());
            if (!served.equals(
                    expected.get(List.of(served.sku(), served.region(), served.currency(), served.tier())))) {
                bad++;
            }
        }
        return bad;
    }

    private static OffersReference.Offer parse(String json) {
        try {
            JsonNode j = JSON.readTree(json);
            return OffersReference.Offer.fromV1Json(j);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
