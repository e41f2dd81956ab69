package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code matstore get} in process, against a one-node cluster faked with a JDK HTTP server (a TEST DOUBLE: the real
 * node does not serve {@code /v1/cluster} yet, issue 12). Once it does, a process test in CommandsProcessTest's
 * style runs {@code bin/matstore get} against {@code bin/matstore serve}; the exit codes and lines stay these.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GetCommandTest {
    private static final String OFFER = "{\"sku\":\"SKU-1\",\"region\":\"eu\",\"currency\":\"EUR\",\"tier\":\"gold\","
            + "\"_meta\":{\"view\":\"offers\",\"version\":1,\"stale\":false,\"freshness\":\"fresh\"}}";

    private HttpServer server;
    private String url;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        String cluster = "{\"cluster\":\"\",\"generation\":1,\"views\":{\"offers\":{\"version\":1,"
                + "\"topic\":\"view.offers.v1\",\"partitions\":1,\"partitioner\":\"kafka-murmur2\","
                + "\"dimensions\":[\"sku\",\"region\",\"currency\",\"tier\"],\"owners\":[{\"partition\":0,"
                + "\"cell\":\"local\",\"nodes\":[{\"node\":\"local-1\",\"url\":\"" + url
                + "\",\"ready\":true,\"loaded\":true}]}]}}}";
        server.createContext("/v1/cluster", x -> send(x, 200, cluster));
        server.createContext("/v1/views/offers", x -> {
            if (x.getRequestURI().getQuery().contains("sku=NOPE")) {
                send(
                        x,
                        404,
                        "{\"error\":{\"code\":\"not_found\",\"message\":\"no value for this key in view offers"
                                + " version 1\"}}");
                return;
            }
            x.getResponseHeaders().set("X-Matstore-View-Version", "1");
            x.getResponseHeaders().set("X-Matstore-Freshness", "stale; reason=lagging");
            x.getResponseHeaders().set("Age", "12");
            send(x, 200, OFFER);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(bytes);
        }
    }

    private int run(String... args) {
        CommandLine cli = MatstoreMain.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldPrintTheJsonAndWhichNodeAnswered() {
        assertThat(run(
                        "get",
                        "offers",
                        "sku=SKU-1",
                        "region=eu",
                        "currency=EUR",
                        "tier=gold",
                        "--bootstrap",
                        "http://127.0.0.1:1," + url))
                .isZero();
        assertThat(out.toString()).isEqualTo(OFFER + System.lineSeparator());
        assertThat(err.toString().trim())
                .isEqualTo("answered by " + url + ": offers version 1, stale; reason=lagging," + " age 12 s");
    }

    @Test
    void shouldExitOneWithOneLineWhenNotFound() {
        assertThat(run("get", "offers", "sku=NOPE", "region=eu", "currency=EUR", "tier=gold", "--bootstrap", url))
                .isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString())
                .isEqualTo("not found: no value for this key in view offers version 1 (node " + url + ")"
                        + System.lineSeparator());
    }

    @Test
    void shouldExitOneWhenAParameterIsMissing() {
        assertThat(run("get", "offers", "sku=SKU-1", "--bootstrap", url)).isEqualTo(1);
        assertThat(err.toString().trim())
                .isEqualTo("missing_parameter: view offers needs parameter \"region\";"
                        + " dimensions are [sku, region, currency, tier]");
    }

    @Test
    void shouldExitTwoWithOneLineWhenNoBootstrapNodeAnswers() {
        server.stop(0);
        assertThat(run("get", "offers", "sku=SKU-1", "region=eu", "currency=EUR", "tier=gold", "--bootstrap", url))
                .isEqualTo(2);
        assertThat(err.toString())
                .startsWith("cannot reach the cluster: no node gave a routing table (GET" + " /v1/cluster): " + url
                        + ": java.net.ConnectException");
        assertThat(err.toString().lines()).hasSize(1);
    }
}
