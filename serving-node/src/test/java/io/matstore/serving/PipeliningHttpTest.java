package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Responses to pipelined requests are flushed once per read burst; none is lost, late or out of order. */
@Timeout(30)
class PipeliningHttpTest {
    private final ServingFixture f = new ServingFixture(Map.of(ServingConfig.MAX_PIPELINED_REQUESTS, "16"));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldAnswerABurstDeeperThanThePipeliningCapWhenTheClientReads() throws Exception {
        // 21 requests in one write, cap 16: responses are flushed every 8 (cap / 2) within the read, so the count of
        // unflushed responses never reaches the cap. Deferring every flush to the end of the read would reach it at
        // the 16th and close the connection: a reading client would lose answers only for pipelining deeply.
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String query = i % 2 == 0 ? MUG_QUERY : "sku=NOPE-" + i + "&region=eu&currency=EUR&tier=gold";
            burst.append("GET /v1/views/offers?").append(query).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        burst.append("GET /v1/views/offers?")
                .append(MUG_QUERY)
                .append(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        String replies = f.raw(burst.toString());

        StringBuilder statuses = new StringBuilder();
        for (int at = replies.indexOf("HTTP/1.1 "); at >= 0; at = replies.indexOf("HTTP/1.1 ", at + 1)) {
            statuses.append(replies, at + 9, at + 12).append(' ');
        }
        assertThat(statuses.toString().strip()).isEqualTo("200 404 ".repeat(10) + "200");
    }
}
