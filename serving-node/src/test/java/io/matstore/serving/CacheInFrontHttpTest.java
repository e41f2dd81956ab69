package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Varnish in front of a real node (the caching semantics a standards-following cache sees): hits within
 * max-age, revalidation by ETag (304 at the node), a change reaching the client within max-age, the stale copy
 * served while the node is stopped within stale-if-error and not after. One node and one Varnish for the class, the
 * steps in order; skipped, saying so, only where varnishd is not installed.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheInFrontHttpTest {
    private static final int MAX_AGE = 2;
    private static final int STALE_IF_ERROR = 4;
    private static final String PATH = "/v1/views/offers?" + MUG_QUERY;
    private static final Pattern REQUESTS =
            Pattern.compile("matstore_http_requests_seconds_count\\{status=\"(\\d+)\",view=\"offers\"} (\\d+)");

    @TempDir
    static Path dir;

    static ServingFixture node;
    static Varnish varnish;
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void startTheNodeAndVarnishInFront() throws Exception {
        Path binary = Varnish.binary();
        Assumptions.assumeTrue(
                binary != null,
                "varnishd is not installed (apt-get install varnish; .ci/run does):"
                        + " the real-cache test is skipped");
        node = new ServingFixture(Map.of(
                "view.offers.max.age.seconds",
                Integer.toString(MAX_AGE),
                "view.offers.stale.while.revalidate.seconds",
                "0",
                "view.offers.stale.if.error.seconds",
                Integer.toString(STALE_IF_ERROR),
                // what reached the node, in the test's output when a step fails
                ServingConfig.ACCESS_LOG,
                "true"));
        // the node's first answer loads classes: not something the cache's fetch timeout should measure
        assertThat(node.get(PATH).statusCode()).isEqualTo(200);
        varnish = Varnish.start(binary, dir, node.port);
    }

    @AfterAll
    static void stopBoth() {
        if (varnish != null) {
            varnish.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void shouldServeHitsFromTheCacheWithinMaxAge() throws Exception {
        long before = nodeAnswers(200);

        HttpResponse<byte[]> first = viaCache();
        HttpResponse<byte[]> second = viaCache();
        HttpResponse<byte[]> third = viaCache();

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(ServingFixture.mugEnvelope());
        assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(third.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(third.body()).isEqualTo(ServingFixture.mugEnvelope());
        assertThat(nodeAnswers(200) - before)
                .as("only the miss reached the node")
                .isEqualTo(1);
    }

    @Test
    @Order(2)
    void shouldRevalidateByETagOnceMaxAgeHasPassedAndGet304FromTheNode() throws Exception {
        long notModified = nodeAnswers(304);
        long full = nodeAnswers(200);

        Awaitility.await("a revalidation reaches the node")
                .atMost(Duration.ofSeconds(MAX_AGE + 3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    HttpResponse<byte[]> r = viaCache();
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo(ServingFixture.mugEnvelope());
                    return nodeAnswers(304) > notModified;
                });

        assertThat(nodeAnswers(200)).as("the body was not sent again").isEqualTo(full);
        assertThat(viaCache().headers().firstValue("x-cache"))
                .as("the refreshed copy serves hits")
                .hasValue("HIT");
    }

    @Test
    @Order(3)
    void shouldDeliverAChangeThroughTheCacheWithinMaxAge() throws Exception {
        assertThat(viaCache().headers().firstValue("etag")).hasValue("\"0123456789abcdef\"");
        byte[] changed = Offers.MUG.envelope(OffersContract.V1, 0x42L, ServingFixture.MUG_COMPUTED_AT_MICROS + 1);
        node.v1.put(Offers.MUG.key(OffersContract.V1), changed);
        long changedAt = System.nanoTime();

        // Age 0 (the node is caught up) lets the cache keep a copy for all of max-age, and no longer
        Awaitility.await("the change reaches the client")
                .atMost(Duration.ofSeconds(MAX_AGE + 2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> viaCache().headers().firstValue("etag").orElse("").equals("\"0000000000000042\""));

        assertThat(Duration.ofNanos(System.nanoTime() - changedAt))
                .isLessThanOrEqualTo(Duration.ofSeconds(MAX_AGE).plusMillis(500));
        assertThat(viaCache().body()).isEqualTo(changed);
    }

    @Test
    @Order(4)
    void shouldKeepAnsweringWhileTheNodeIsStoppedWithinStaleIfErrorAndStopAfter() throws Exception {
        byte[] last = viaCache().body();
        node.node.close();
        long stoppedAt = System.nanoTime();

        Awaitility.await("the stale copy is served past max-age")
                .during(Duration.ofSeconds(MAX_AGE + 1))
                .atMost(Duration.ofSeconds(MAX_AGE + 2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<byte[]> r = viaCache();
                    return r.statusCode() == 200 && java.util.Arrays.equals(r.body(), last);
                });
        Awaitility.await("the cache gives up once stale-if-error has passed")
                .atMost(Duration.ofSeconds(MAX_AGE + STALE_IF_ERROR + 2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> viaCache().statusCode() == 503);

        // the copy expired at most max-age after the node stopped, and stale-if-error counts from then
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt))
                .as("not before stale-if-error has passed")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(STALE_IF_ERROR).minusMillis(300));
    }

    private static HttpResponse<byte[]> viaCache() throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + varnish.port() + PATH))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The node's own count of lookups of the view answered with {@code status}. */
    private static long nodeAnswers(int status) throws Exception {
        Matcher m = REQUESTS.matcher(node.getText("/metrics").body());
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) == status) {
                return Long.parseLong(m.group(2));
            }
        }
        return 0;
    }
}
