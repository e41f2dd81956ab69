package io.matstore.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring files under the repository's {@code ops/} folder, parsed, and the metric names their PromQL
 * queries reference: the rules' expressions, the dashboard's panel targets and its template variable queries.
 */
final class OpsFiles {
    static final String RULES = "ops/prometheus/matstore-rules.yml";
    static final String RULES_TEST = "ops/prometheus/matstore-rules.test.yml";
    static final String PROMETHEUS_CONFIG = "ops/prometheus/prometheus.yml";
    static final String DASHBOARD = "ops/grafana/matstore-dashboard.json";

    /** A metric the project exports, or {@code up}, which Prometheus records for every target it scrapes. */
    private static final Pattern METRIC = Pattern.compile("matstore_\\w+|kafka_\\w+|jvm_\\w+|process_\\w+|up");
    /** A PromQL identifier; recording rule names contain colons. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");

    private OpsFiles() {}

    /** The repository root: the nearest directory, from the working directory up, that holds {@code ops/}. */
    static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(RULES)) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no " + RULES + " in " + dir + " or any parent directory");
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static JsonNode rulesFile() {
        return read(new YAMLMapper(), RULES);
    }

    static JsonNode dashboard() {
        return read(new ObjectMapper(), DASHBOARD);
    }

    private static JsonNode read(ObjectMapper mapper, String relative) {
        try {
            return mapper.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + relative, e);
        }
    }

    /** Every rule of every group, alerting and recording. */
    static List<JsonNode> rules(JsonNode rulesFile) {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : rulesFile.path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    /** Every panel, including those nested in collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Every PromQL expression: rules, panel targets, and the queries of the dashboard's query variables. */
    static List<String> expressions() {
        List<String> exprs = new ArrayList<>();
        rules(rulesFile()).forEach(r -> exprs.add(r.path("expr").asText()));
        JsonNode dashboard = dashboard();
        for (JsonNode panel : panels(dashboard)) {
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                exprs.add(query.isObject() ? query.path("query").asText() : query.asText());
            }
        }
        return exprs;
    }

    /**
     * The exported metric names an expression references, as they appear in a scrape ({@code x_bucket},
     * {@code x_total}...): identifiers outside quoted strings, label matchers and ranges, minus recording rules.
     */
    static Set<String> metricNames(String expr) {
        String bare = RANGE.matcher(LABEL_MATCHERS
                        .matcher(QUOTED.matcher(expr).replaceAll("\"\""))
                        .replaceAll(" "))
                .replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String id = m.group();
            boolean variable =
                    m.start() > 0 && (bare.charAt(m.start() - 1) == '$' || bare.charAt(m.start() - 1) == '{');
            if (!id.contains(":") && !variable && METRIC.matcher(id).matches()) {
                names.add(id);
            }
        }
        return names;
    }

    /** The metric names of every expression of the rules and the dashboard. */
    static Set<String> referencedMetricNames() {
        Set<String> names = new TreeSet<>();
        expressions().forEach(e -> names.addAll(metricNames(e)));
        return names;
    }
}
