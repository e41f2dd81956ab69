package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.store.ResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status monitor runs on a fixed-delay schedule, which an escaping throwable cancels for good. An {@link Error}
 * from the store's status used to do exactly that and freeze the last verdict ("ready", answers "fresh") forever.
 * Now a survivable error marks the node not ready until a later refresh succeeds, and a fatal one leaves it not
 * ready, saying why. A real node on a loopback socket, refreshing every 20 ms; /readyz says what the monitor decided.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusMonitorErrorsHttpTest {
    private final MutableClock clock = new MutableClock(ServingFixture.NOW_MILLIS);
    private final InMemoryResponseStore inner = new InMemoryResponseStore();
    private final FailingStatusStore store = new FailingStatusStore(inner);
    private final HttpClient client = HttpClient.newHttpClient();
    private ServingNode node;
    private int port;

    /** The in-memory store, whose status throws {@link #error} while it is set. */
    private static final class FailingStatusStore implements ResponseStore {
        private final InMemoryResponseStore inner;
        volatile Error error;

        FailingStatusStore(InMemoryResponseStore inner) {
            this.inner = inner;
        }

        @Override
        public ViewReader current(String viewName) {
            return inner.current(viewName);
        }

        @Override
        public ViewReader version(String viewName, int version) {
            return inner.version(viewName, version);
        }

        @Override
        public List<ViewStatus> status() {
            Error e = error;
            if (e != null) {
                throw e;
            }
            return inner.status();
        }

        @Override
        public ViewStatus status(String viewName, int version) {
            return inner.status(viewName, version);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @BeforeEach
    void start() {
        inner.add(OffersContract.V1, ServingFixture.NOW_MILLIS)
                .put(Offers.MUG.key(OffersContract.V1), ServingFixture.mugEnvelope());
        node = new ServingNode(clock);
        port = node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT,
                        "0",
                        ServingConfig.IO_THREADS,
                        "1",
                        ServingConfig.STATUS_REFRESH_MS,
                        "20",
                        "view.offers.freshness.objective.ms",
                        "10000")));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void shouldKeepRefreshingAfterASurvivableErrorAndBeReadyAgainOnceTheStatusIsBack() throws Exception {
        assertThat(readyz().statusCode()).isEqualTo(200);

        store.error = new StackOverflowError("deep status");
        await().atMost(Duration.ofSeconds(10)).until(() -> readyz().statusCode() == 503);
        assertThat(readyz().body())
                .isEqualTo("{\"ready\":false,\"views\":{\"offers\":\"store status unavailable:"
                        + " java.lang.StackOverflowError: deep status\"}}");

        store.error = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> readyz().statusCode() == 200);
    }

    @Test
    void shouldLeaveTheNodeNotReadyWithTheReasonWhenAFatalErrorStopsTheMonitor() throws Exception {
        store.error = new InternalError("a fault in an unsafe memory access");
        await().atMost(Duration.ofSeconds(10)).until(() -> readyz().statusCode() == 503);
        assertThat(readyz().body())
                .contains("status monitor stopped by a fatal error, restart the node:"
                        + " java.lang.InternalError: a fault in an unsafe memory access");

        store.error = null;
        // the schedule ended: 15 refresh periods later no refresh has made it ready again
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> readyz().statusCode() == 503);
    }

    private HttpResponse<String> readyz() throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
