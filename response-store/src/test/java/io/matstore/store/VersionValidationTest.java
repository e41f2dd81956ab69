package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Validation of a candidate against the current version, on constructed content in real stores. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VersionValidationTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final AtomicInteger VIEWS = new AtomicInteger();
    private static final Set<Integer> ALL = Set.of(0, 1);
    private static final int KEYS = 2_000;

    @TempDir
    Path dataDir;

    /** Rejects every key whose id ends in 0; counts how often it was asked. */
    private static class RejectingTens implements ViewValidator {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "no-tens";
        }

        @Override
        public boolean appliesTo(String viewName) {
            return viewName.startsWith("valid");
        }

        @Override
        public String check(
                ViewDescriptor candidateView, byte[] key, ResponseEnvelope candidate, ResponseEnvelope current) {
            calls.incrementAndGet();
            String id = io.matstore.schemas.KeyCodec.decode(candidateView, key).get(0);
            return id.endsWith("0") ? "id " + id + " ends in 0" : null;
        }
    }

    /** Writes v1 with every key and v2 as {@code v2Writer} says; v1 current, both caught up. */
    private VersionedResponseStore twoVersions(ViewDescriptor v1, ViewDescriptor v2, V2Writer v2Writer)
            throws InterruptedException {
        KAFKA.createTopic(v1.topic(), 2, ViewTopic.compacted());
        KAFKA.createTopic(v2.topic(), 2, ViewTopic.compacted());
        try (ViewTopic t1 = new ViewTopic(v1, KAFKA.bootstrapServers());
                ViewTopic t2 = new ViewTopic(v2, KAFKA.bootstrapServers())) {
            for (int i = 0; i < KEYS; i++) {
                t1.put(i, 1, 100);
                v2Writer.write(i, t1, t2);
            }
            t1.flush();
            t2.flush();
        }
        VersionedResponseStore store = ResponseStores.open(
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20));
        store.addVersion(v1, ALL);
        store.addVersion(v2, ALL);
        store.makeCurrent(v1.name(), 1);
        assertThat(store.awaitCaughtUp(v1.name(), 1, Duration.ofSeconds(60))).isTrue();
        assertThat(store.awaitCaughtUp(v2.name(), 2, Duration.ofSeconds(60))).isTrue();
        return store;
    }

    private interface V2Writer {
        void write(int i, ViewTopic t1, ViewTopic t2);
    }

    private static ViewDescriptor[] views() {
        String name = "valid" + VIEWS.incrementAndGet();
        return new ViewDescriptor[] {ViewDescriptor.of(name, 1, "id"), ViewDescriptor.of(name, 2, "id")};
    }

    private static ValidationOptions options(int samples) {
        return new ValidationOptions(samples, 0.001, 0.0, Duration.ofSeconds(10), 7);
    }

    @Test
    void shouldPassWhenTheCandidateHoldsTheSameKeysWithItsOwnVersion() throws Exception {
        ViewDescriptor[] v = views();
        RejectingTens never = new RejectingTens() {
            @Override
            public boolean appliesTo(String viewName) {
                return false;
            }
        };
        try (VersionedResponseStore store = twoVersions(v[0], v[1], (i, t1, t2) -> t2.put(i, 2, 120))) {
            ValidationReport report =
                    new VersionValidation(store, List.of(never)).validate(v[1].name(), 2, options(300));
            assertThat(report.passed()).as("%s", report).isTrue();
            assertThat(report.current()).isEqualTo(1);
            assertThat(report.checks())
                    .extracting(ValidationReport.Check::name)
                    .containsExactly(
                            "caught_up",
                            "counts",
                            "current_keys_in_candidate",
                            "candidate_keys_in_current",
                            "envelopes");
            assertThat(report.check("counts").numbers())
                    .containsEntry("candidate_entries", (long) KEYS)
                    .containsEntry("current_entries", (long) KEYS)
                    .containsEntry("difference", 0L);
            assertThat(report.check("current_keys_in_candidate").numbers().get("sampled"))
                    .isBetween(200L, 300L);
            assertThat(report.check("envelopes").numbers().get("checked")).isBetween(200L, 300L);
            assertThat(never.calls.get()).isZero();
        }
    }

    @Test
    void shouldFailCountsAndSampledComparisonWhenTheCandidateLacksKeys() throws Exception {
        ViewDescriptor[] v = views();
        try (VersionedResponseStore store = twoVersions(v[0], v[1], (i, t1, t2) -> {
            if (i % 5 != 0) {
                t2.put(i, 2, 120);
            }
        })) {
            ValidationReport report = new VersionValidation(store, List.of()).validate(v[1].name(), 2, options(300));
            assertThat(report.passed()).isFalse();
            assertThat(report.check("caught_up").passed()).isTrue();
            ValidationReport.Check counts = report.check("counts");
            assertThat(counts.passed()).isFalse();
            assertThat(counts.numbers())
                    .containsEntry("candidate_entries", (long) KEYS * 4 / 5)
                    .containsEntry("current_entries", (long) KEYS)
                    .containsEntry("allowed_difference", 2L);
            assertThat(counts.examples())
                    .containsExactly("candidate has 1600 entries, current 2000: difference 400"
                            + " > allowed 2 (maxCountDifference=0.001)");
            ValidationReport.Check missing = report.check("current_keys_in_candidate");
            assertThat(missing.passed()).isFalse();
            assertThat(missing.numbers().get("missing")).isBetween(20L, 120L);
            assertThat(missing.examples())
                    .hasSize(ValidationReport.MAX_EXAMPLES)
                    .allMatch(e -> e.startsWith("missing in v2: [k") && (e.endsWith("0]") || e.endsWith("5]")));
            assertThat(report.check("candidate_keys_in_current").passed()).isTrue();
        }
    }

    @Test
    void shouldFailEnvelopesOfAnotherVersionAndReportUserValidatorProblems() throws Exception {
        ViewDescriptor[] v = views();
        RejectingTens tens = new RejectingTens();
        try (VersionedResponseStore store = twoVersions(
                v[0],
                v[1],
                (i, t1, t2) -> t2.send(t2.key(i), i == 7 ? t1.envelope(i, 1, 100) : t2.envelope(i, 2, 100)))) {
            ValidationOptions all = new ValidationOptions(KEYS * 4, 0.001, 0.0, Duration.ofSeconds(10), 7);
            ValidationReport report = new VersionValidation(store, List.of(tens)).validate(v[1].name(), 2, all);
            assertThat(report.passed()).isFalse();
            ValidationReport.Check envelopes = report.check("envelopes");
            assertThat(envelopes.passed()).isFalse();
            assertThat(envelopes.numbers()).containsEntry("failed", 1L);
            assertThat(envelopes.examples()).containsExactly("[k7]: view_version 1 is not the candidate's 2");
            ValidationReport.Check user = report.check("validator:no-tens");
            assertThat(user.passed()).isFalse();
            long checked = user.numbers().get("checked");
            assertThat(checked).isGreaterThan(KEYS / 2);
            assertThat(user.numbers().get("failed")).isBetween(checked / 20, checked / 5);
            assertThat(user.examples()).allMatch(e -> e.matches("\\[k\\d*0\\]: id k\\d*0 ends in 0"));
            assertThat(tens.calls.get()).isEqualTo((int) checked - 1);
        }
    }

    @Test
    void shouldRefuseToValidateAVersionNotHeld() throws Exception {
        ViewDescriptor[] v = views();
        try (VersionedResponseStore store = twoVersions(v[0], v[1], (i, t1, t2) -> t2.put(i, 2, 120))) {
            assertThatThrownBy(() -> VersionValidation.withDiscoveredValidators(store)
                            .validate(v[1].name(), 9, ValidationOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("view " + v[1].name() + " version 9 is not held");
        }
    }
}
