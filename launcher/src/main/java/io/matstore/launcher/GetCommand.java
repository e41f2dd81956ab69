package io.matstore.launcher;

import io.matstore.client.Lookup;
import io.matstore.client.MatstoreClient;
import io.matstore.client.MatstoreClientException;
import io.matstore.client.NotFoundException;
import io.matstore.client.UnavailableException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code matstore get <view> dim=value...}: one lookup through matstore-client, routed to the node that owns the
 * key. Prints the view's JSON rendering on stdout and, on stderr, which node answered with the version and
 * freshness. Exits 0 when found, 1 when the cluster answered no value or refused the request (one line:
 * {@code not found: ...}), 2 when no bootstrap node gave a routing table.
 */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Look a key up through the client, routed to the node of the owning cell.",
            "Example: matstore get offers sku=SKU-000001 region=eu currency=USD tier=gold"
        })
final class GetCommand implements Callable<Integer> {
    static final String BOOTSTRAP_ENV = "MATSTORE_BOOTSTRAP";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "View name, e.g. offers.")
    String view;

    @Parameters(
            index = "1..*",
            arity = "1..*",
            paramLabel = "DIM=VALUE",
            description = "The view's dimensions, each once, e.g. sku=SKU-1 region=eu currency=EUR tier=gold.")
    List<String> dimensions = new ArrayList<>();

    @Option(
            names = "--bootstrap",
            split = ",",
            paramLabel = "URL",
            defaultValue = "${env:" + BOOTSTRAP_ENV + ":-http://127.0.0.1:8080}",
            description = "Any nodes of the cluster, comma-separated (default: $" + BOOTSTRAP_ENV
                    + " or http://127.0.0.1:8080).")
    List<URI> bootstrap;

    @Option(
            names = "--timeout",
            defaultValue = "5",
            description = "Seconds for each request to a node (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> params = new LinkedHashMap<>();
        for (String d : dimensions) {
            int eq = d.indexOf('=');
            if (eq <= 0) {
                err.println("not a DIM=VALUE pair: " + d);
                return 2;
            }
            params.put(d.substring(0, eq), d.substring(eq + 1));
        }
        MatstoreClient client;
        try {
            client = MatstoreClient.builder()
                    .bootstrap(bootstrap)
                    .requestTimeout(Duration.ofSeconds(timeoutSeconds))
                    .build();
        } catch (UnavailableException e) {
            err.println("cannot reach the cluster: " + e.getMessage());
            return 2;
        }
        try (client) {
            Lookup lookup = client.getJson(view, params);
            out.println(lookup.json());
            out.flush();
            err.println("answered by " + lookup.node() + ": " + view + " version " + lookup.version() + ", "
                    + lookup.freshness() + ", age " + lookup.age().toSeconds() + " s");
            return 0;
        } catch (NotFoundException e) {
            err.println("not found: " + e.getMessage());
            return 1;
        } catch (MatstoreClientException e) {
            err.println(e.code() + ": " + e.getMessage());
            return 1;
        } finally {
            err.flush();
        }
    }
}
