package io.matstore.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The files under {@code ops/} are well formed: every alert can be routed and read by whoever is paged, every
 * dashboard panel queries something, and the documentation they point to exists. (That the metrics they query are
 * exported is {@link MonitoredMetricsEndToEndTest}; that the rules fire is {@link PromtoolTest}.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpsFilesStructureTest {
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    private static final Pattern DURATION = Pattern.compile("\\d+[smhd]");
    private static final Pattern DOC_LINK = Pattern.compile("docs/([\\w-]+\\.md)#([\\w-]+)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

    @Test
    void shouldGiveEveryAlertAnExpressionADurationASeverityAndAnnotationsThatSayWhatToDo() {
        List<JsonNode> rules = OpsFiles.rules(OpsFiles.rulesFile());
        List<String> alerts = new ArrayList<>();
        Set<String> records = new HashSet<>();
        for (JsonNode rule : rules) {
            assertThat(rule.path("expr").asText()).as("expr of %s", rule).isNotBlank();
            if (rule.has("record")) {
                assertThat(records.add(rule.path("record").asText()))
                        .as("recording rule %s once", rule)
                        .isTrue();
                continue;
            }
            String name = rule.path("alert").asText();
            assertThat(name).as("alert or record in %s", rule).matches("Matstore[A-Z][A-Za-z0-9]+");
            alerts.add(name);
            assertThat(rule.path("for").asText()).as("for: of %s", name).matches(DURATION);
            assertThat(rule.path("labels").path("severity").asText())
                    .as("severity of %s", name)
                    .isIn(SEVERITIES);
            assertThat(rule.path("annotations").path("summary").asText())
                    .as("summary of %s", name)
                    .isNotBlank();
            assertThat(rule.path("annotations").path("description").asText())
                    .as("description of %s", name)
                    .contains("docs/operations.md#alerts");
        }
        assertThat(alerts)
                .doesNotHaveDuplicates()
                .contains(
                        "MatstoreFreshnessObjectiveBreached",
                        "MatstoreIngestLagGrowing",
                        "MatstorePrecomputeDeadLetters",
                        "MatstoreShedding",
                        "MatstoreIngestFailing",
                        "MatstoreIngestErrorsRecurring",
                        "MatstoreServingNodeNotReady",
                        "MatstorePrecomputeJobNotReady",
                        "MatstoreStaleAnswers",
                        "MatstoreHigh5xxRate",
                        "MatstoreRocksDbWriteStalls",
                        "MatstoreRocksDbWriteStopped",
                        "MatstoreTargetDown");
        assertThat(records).allMatch(r -> r.matches("[a-z_]+:[a-z0-9_]+:[a-z0-9_]+"), "level:metric:operations");
    }

    @Test
    void shouldLinkOnlyToDocumentationSectionsThatExist() throws IOException {
        List<String> texts = new ArrayList<>();
        for (JsonNode rule : OpsFiles.rules(OpsFiles.rulesFile())) {
            rule.path("annotations").forEach(a -> texts.add(a.asText()));
        }
        texts.add(Files.readString(OpsFiles.path("ops/README.md"), StandardCharsets.UTF_8));
        int links = 0;
        for (String text : texts) {
            Matcher link = DOC_LINK.matcher(text);
            while (link.find()) {
                links++;
                String doc = Files.readString(
                        OpsFiles.root().resolve("docs").resolve(link.group(1)), StandardCharsets.UTF_8);
                assertThat(anchors(doc))
                        .as("sections of docs/%s", link.group(1))
                        .contains(link.group(2));
            }
        }
        assertThat(links).isPositive();
    }

    @Test
    void shouldGiveEveryDashboardPanelATitleAndAQueryOnTheDatasourceVariable() {
        JsonNode dashboard = OpsFiles.dashboard();
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        List<String> variables = new ArrayList<>();
        dashboard
                .path("templating")
                .path("list")
                .forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).contains("DS_PROMETHEUS", "instance", "view");

        Set<Integer> ids = new HashSet<>();
        List<JsonNode> panels = OpsFiles.panels(dashboard);
        assertThat(panels).hasSizeGreaterThan(20);
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).as("title of panel %s", panel.path("id")).isNotBlank();
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("id of %s unique", title)
                    .isTrue();
            assertThat(panel.path("gridPos").path("w").asInt())
                    .as("width of %s", title)
                    .isBetween(1, 24);
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText())
                    .as("datasource of %s", title)
                    .isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets")).as("targets of %s", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText())
                        .as("expr of a target of %s", title)
                        .isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            }
        }
    }

    @Test
    void shouldDrawTheFreshnessObjectiveOnTheFreshnessPanel() {
        JsonNode freshness = OpsFiles.panels(OpsFiles.dashboard()).stream()
                .filter(p -> !"row".equals(p.path("type").asText()))
                .filter(p -> p.path("title").asText().toLowerCase(Locale.ROOT).startsWith("freshness"))
                .findFirst()
                .orElseThrow();
        List<String> exprs = new ArrayList<>();
        freshness.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        assertThat(exprs)
                .anyMatch(e -> e.contains("histogram_quantile(0.99") && e.contains("matstore_freshness_seconds_bucket"))
                .anyMatch(e -> e.contains("matstore_freshness_objective_seconds"));
    }

    @Test
    void shouldFindTheMetricNamesOfAnExpressionAndNothingElse() {
        assertThat(
                        OpsFiles.metricNames(
                                "instance_view:matstore_freshness_seconds:p99_rate10m > on (job, instance,"
                                        + " view) max by (job, instance, view) (matstore_freshness_objective_seconds{view=~\"$view\"})"))
                .containsExactly("matstore_freshness_objective_seconds");
        assertThat(OpsFiles.metricNames("sum by (le) (rate(jvm_gc_pause_seconds_sum{job=\"matstore_x\"}"
                        + "[$__rate_interval])) / up{instance=~\"$instance|$precompute_instance\"}"))
                .containsExactly("jvm_gc_pause_seconds_sum", "up");
        assertThat(OpsFiles.metricNames("label_values(matstore_ready{job=\"matstore-serving\"}, instance)"))
                .containsExactly("matstore_ready");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Matcher heading = HEADING.matcher(markdown);
        while (heading.find()) {
            anchors.add(heading.group(1)
                    .trim()
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\w\\- ]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }
}
