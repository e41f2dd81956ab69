package io.matstore.bench.precompute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe over the real pipeline (broker, offers job, store, node on 127.0.0.1): markers travel through all of it
 * and each is timed once the node answers with it. No generator: this is the probe's own check, not a measurement.
 */
@Timeout(90)
class FreshnessProbeTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    @TempDir
    Path dir;

    @Test
    void shouldTimeEveryMarkerFromPublishUntilTheNodeServesIt() throws Exception {
        try (ProbedPipeline pipeline = ProbedPipeline.start(KAFKA.kafka(), 20, dir)) {
            FreshnessProbe probe = pipeline.probe(20, 10_000, 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.summary().seen() >= 12);
            probe.finish();

            FreshnessSummary s = probe.summary();
            assertThat(s.published()).isGreaterThanOrEqualTo(12);
            assertThat(s.seen()).isEqualTo(s.published()); // every probe sku, so every partition, answered
            assertThat(s.unseen()).isZero();
            // a marker timed at 0 µs would mean the book timed nothing
            assertThat(s.micros().getMinValue()).isPositive();
            assertThat(s.p99Millis()).isLessThan(10_000);
        }
    }
}
