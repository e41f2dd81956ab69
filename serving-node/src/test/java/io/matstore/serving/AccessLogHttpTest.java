package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.matstore.serving.internal.HttpHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** {@code serving.access.log} on a real node: one line per answered request on {@code matstore.access}, or none. */
@Timeout(60)
class AccessLogHttpTest {
    private final Logger access = (Logger) LoggerFactory.getLogger(HttpHandler.ACCESS_LOGGER);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private ServingFixture f;

    @BeforeEach
    void capture() {
        lines.start();
        access.addAppender(lines);
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
        access.detachAppender(lines);
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void shouldLogOneLinePerAnsweredRequestAfterItIsWritten() throws Exception {
        f = new ServingFixture(Map.of(ServingConfig.ACCESS_LOG, "true"));

        String raw = f.raw("GET /v1/views/offers?" + MUG_QUERY + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        f.get("/v1/views/offers?sku=NOPE&region=eu&currency=EUR&tier=gold");
        f.get("/healthz");
        f.post("/v1/views/offers/batch", MUG_QUERY + "\n");
        f.v1.ingestError("broker unreachable");
        f.node.refreshStatus();
        f.get("/v1/views/offers?" + MUG_QUERY);

        await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() >= 5);
        List<String> m = messages();
        assertThat(m).hasSize(5);
        assertThat(m.get(0))
                .matches("127\\.0\\.0\\.1:\\d+ \"GET /v1/views/offers\\?" + MUG_QUERY + "\" 200 " + raw.length()
                        + " \\d+us fresh");
        assertThat(m.get(1))
                .matches("127\\.0\\.0\\.1:\\d+ \"GET /v1/views/offers\\?sku=NOPE&region=eu"
                        + "&currency=EUR&tier=gold\" 404 \\d+ \\d+us fresh");
        assertThat(m.get(2)).matches("127\\.0\\.0\\.1:\\d+ \"GET /healthz\" 200 \\d+ \\d+us fresh");
        assertThat(m.get(3)).matches("127\\.0\\.0\\.1:\\d+ \"POST /v1/views/offers/batch\" 200 \\d+ \\d+us fresh");
        assertThat(m.get(4))
                .matches("127\\.0\\.0\\.1:\\d+ \"GET /v1/views/offers\\?" + MUG_QUERY + "\" 200 \\d+ \\d+us stale");
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getLoggerName()).isEqualTo("matstore.access"));
    }

    @Test
    void shouldLogNothingWhenOff() throws Exception {
        f = new ServingFixture();

        f.get("/v1/views/offers?" + MUG_QUERY);
        f.get("/v1/views/offers?sku=NOPE&region=eu&currency=EUR&tier=gold");
        f.get("/healthz");
        f.close(); // the event loops are shut down: every write listener has run
        f = null;

        assertThat(lines.list).isEmpty();
    }
}
