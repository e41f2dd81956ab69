package io.matstore.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AnswersTest {
    private static final URI NODE = URI.create("http://127.0.0.1:1");

    @Test
    void shouldReadTheCodeAndDetailOfProblemDetails() {
        MatstoreClientException e = Answers.error(
                404,
                Answers.errorObject(bytes("{\"type\":\"about:blank\","
                        + "\"title\":\"Not Found\",\"status\":404,\"detail\":\"no value\",\"code\":\"not_found\"}")),
                Duration.ZERO,
                NODE);

        assertThat(e).isInstanceOf(NotFoundException.class);
        assertThat(e.code()).isEqualTo("not_found");
        assertThat(e.getMessage()).isEqualTo("no value (node " + NODE + ")");
    }

    @Test
    void shouldStillReadTheErrorObjectOfOlderNodes() {
        MatstoreClientException e = Answers.error(
                400,
                Answers.errorObject(bytes("{\"error\":{\"code\":\"missing_parameter\",\"message\":\"needs tier\"}}")),
                Duration.ZERO,
                NODE);

        assertThat(e.code()).isEqualTo("missing_parameter");
        assertThat(e.getMessage()).isEqualTo("needs tier (node " + NODE + ")");
    }

    @Test
    void shouldFallBackToTheStatusWhenTheBodyIsNoError() {
        assertThat(Answers.errorObject(bytes("{\"status\":\"alive\"}"))).isNull();
        assertThat(Answers.errorObject(bytes("not json"))).isNull();
        assertThat(Answers.error(503, null, Duration.ZERO, NODE).code()).isEqualTo("http_503");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
