package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ServingNodeMainTest {
    @Test
    void shouldStartANodeFromAPropertiesFileTheEnvironmentAndTheCallersStore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("serving.properties");
        Files.writeString(file, "serving.port=0\nview.offers.max.age.seconds=9\n");
        InMemoryResponseStore store = new InMemoryResponseStore();
        store.add(OffersContract.V1, System.currentTimeMillis())
                .put(Offers.MUG.key(OffersContract.V1), ServingFixture.mugEnvelope());

        ServingNode node = ServingNodeMain.run(
                new String[] {file.toString()},
                Map.of("MATSTORE_VIEW_OFFERS_STALE_IF_ERROR_SECONDS", "77"),
                () -> store);
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + node.port() + "/v1/views/offers?" + Offers.MUG_QUERY))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("cache-control"))
                    .hasValue("max-age=9, stale-while-revalidate=30, stale-if-error=77");
            assertThat(node.isReady()).isTrue();
        } finally {
            node.close();
        }
        assertThat(node.port()).isEqualTo(-1);
    }

    @Test
    void shouldRefuseAnInvalidConfigurationBeforeTouchingTheStore() {
        assertThatThrownBy(
                        () -> ServingNodeMain.run(new String[0], Map.of("MATSTORE_SERVING_IO_THREADS", "999"), () -> {
                            throw new AssertionError("store must not be built");
                        }))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 999 for configuration serving.io.threads: Value must be no more than 256");
    }
}
