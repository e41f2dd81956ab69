package io.matstore.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code matstore admin ...}: the rebuild workflow against a serving node's admin endpoint. Prints the node's JSON
 * answer; exits 0 on success, 1 when the node refused (any non-2xx, or a failed validation), 2 when it cannot be
 * reached.
 */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = {
            "Operate a serving node's view versions through its admin endpoint.",
            "Workflow: load (bulk) -> validate -> swap -> (rollback) -> retire."
        },
        subcommands = {
            AdminCommand.Status.class,
            AdminCommand.Load.class,
            AdminCommand.Validate.class,
            AdminCommand.Swap.class,
            AdminCommand.Rollback.class,
            AdminCommand.Retire.class
        })
final class AdminCommand {
    static final String TOKEN_ENV = "MATSTORE_ADMIN_TOKEN";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the endpoint is and how to authenticate; shared by every subcommand. */
    static final class Endpoint {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(
                names = "--url",
                defaultValue = "http://127.0.0.1:8090",
                description = "Admin endpoint of the node (default: ${DEFAULT-VALUE}).")
        URI url;

        @Option(
                names = "--token",
                defaultValue = "${env:" + TOKEN_ENV + "}",
                description = "Bearer token (default: $" + TOKEN_ENV + ").")
        String token;

        @Option(
                names = "--timeout",
                defaultValue = "120",
                description = "Seconds to wait for the answer (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        /** A command (POST) carries its parameters as a JSON object body: the node takes commands no other way. */
        int call(String method, String path, Map<String, Object> parameters) {
            Map<String, Object> given = new LinkedHashMap<>();
            parameters.forEach((k, v) -> {
                if (v != null) {
                    given.put(k, v);
                }
            });
            String base = url.toString().replaceAll("/+$", "");
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(timeoutSeconds));
            if (method.equals("POST")) {
                try {
                    b.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(given)))
                            .header("Content-Type", "application/json");
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            if (token != null && !token.isEmpty()) {
                b.header("Authorization", "Bearer " + token);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            HttpResponse<String> r;
            try {
                r = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build()
                        .send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                err.println("cannot reach " + base + ": " + e);
                return 2;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 2;
            }
            boolean ok = r.statusCode() / 100 == 2
                    && !"failed"
                            .equals(r.headers()
                                    .firstValue("X-Matstore-Validation")
                                    .orElse(""));
            (ok ? out : err).println(r.body());
            (ok ? out : err).flush();
            return ok ? 0 : 1;
        }
    }

    /** Validation thresholds, for validate and swap. */
    static final class Thresholds {
        @Option(names = "--samples", description = "Keys sampled from each version (node default 1000).")
        Integer samples;

        @Option(names = "--max-count-difference", description = "Accepted |candidate-current|/current entries.")
        Double maxCountDifference;

        @Option(names = "--max-missing-ratio", description = "Accepted share of sampled keys missing in the other.")
        Double maxMissingRatio;

        @Option(names = "--catch-up-timeout-ms", description = "Wait this long for the candidate to catch up.")
        Integer catchUpTimeoutMs;

        Map<String, Object> query() {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("samples", samples);
            q.put("max_count_difference", maxCountDifference);
            q.put("max_missing_ratio", maxMissingRatio);
            q.put("catch_up_timeout_ms", catchUpTimeoutMs);
            return q;
        }
    }

    private static String versionPath(String view, int version, String action) {
        return "/admin/views/" + URLEncoder.encode(view, StandardCharsets.UTF_8) + "/versions/" + version + "/"
                + action;
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Every held version: phase, load" + " progress, lag, entries, bytes, near-cache hit ratio.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Endpoint endpoint;

        @Override
        public Integer call() {
            return endpoint.call("GET", "/admin/status", Map.of());
        }
    }

    @Command(
            name = "load",
            mixinStandardHelpOptions = true,
            description =
                    "Hold a new version and load its topic"
                            + " view.<view>.v<version> (bulk by default); partitions and dimensions default to the current version's.")
    static final class Load implements Callable<Integer> {
        @Mixin
        Endpoint endpoint;

        @Parameters(index = "0", description = "View name.")
        String view;

        @Parameters(index = "1", description = "Version to load.")
        int version;

        @Option(names = "--mode", defaultValue = "bulk", description = "bulk or live (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--partitions", description = "Owned partitions, e.g. 0,1,2.")
        String partitions;

        @Option(names = "--dimensions", description = "Dimensions in key order, e.g. sku,region,currency,tier.")
        String dimensions;

        @Override
        public Integer call() {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("mode", mode);
            q.put("partitions", partitions);
            q.put("dimensions", dimensions);
            return endpoint.call("POST", versionPath(view, version, "load"), q);
        }
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description =
                    "Validate a version against the"
                            + " current one: caught up, counts, sampled comparison, the view's validators. Exit 1 when it fails.")
    static final class Validate implements Callable<Integer> {
        @Mixin
        Endpoint endpoint;

        @Mixin
        Thresholds thresholds;

        @Parameters(index = "0", description = "View name.")
        String view;

        @Parameters(index = "1", description = "Candidate version.")
        int version;

        @Override
        public Integer call() {
            return endpoint.call("POST", versionPath(view, version, "validate"), thresholds.query());
        }
    }

    @Command(
            name = "swap",
            mixinStandardHelpOptions = true,
            description = "Make a version current once it passes" + " validation (refused otherwise, unless --force).")
    static final class Swap implements Callable<Integer> {
        @Mixin
        Endpoint endpoint;

        @Mixin
        Thresholds thresholds;

        @Parameters(index = "0", description = "View name.")
        String view;

        @Parameters(index = "1", description = "Version to make current.")
        int version;

        @Option(names = "--force", description = "Swap without validating.")
        boolean force;

        @Override
        public Integer call() {
            Map<String, Object> q = thresholds.query();
            q.put("force", force ? "true" : null);
            return endpoint.call("POST", versionPath(view, version, "swap"), q);
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Make the previously current version current again.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        Endpoint endpoint;

        @Parameters(index = "0", description = "View name.")
        String view;

        @Override
        public Integer call() {
            return endpoint.call(
                    "POST", "/admin/views/" + URLEncoder.encode(view, StandardCharsets.UTF_8) + "/rollback", Map.of());
        }
    }

    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = "Drop a version that is not current, and its files.")
    static final class Retire implements Callable<Integer> {
        @Mixin
        Endpoint endpoint;

        @Parameters(index = "0", description = "View name.")
        String view;

        @Parameters(index = "1", description = "Version to retire.")
        int version;

        @Override
        public Integer call() {
            return endpoint.call("POST", versionPath(view, version, "retire"), Map.of());
        }
    }
}
