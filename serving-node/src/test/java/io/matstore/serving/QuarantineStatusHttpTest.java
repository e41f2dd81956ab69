package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version the store could not open at start is visible to operators on a real node: {@code GET /admin/status}
 * names it with where it was moved and why, and {@code /metrics} counts it (the gauge the alert
 * {@code MatstoreVersionQuarantined} watches). The broker is unreachable on purpose: what is shown comes from the
 * store's files alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuarantineStatusHttpTest {
    private static final String TOKEN = "t0ken";

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void shouldListAQuarantinedVersionWithItsPathAndReasonInAdminStatusAndCountItInMetrics() throws Exception {
        String unreachable;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = "127.0.0.1:" + closed.getLocalPort();
        }
        StoreConfig config = StoreConfig.of(dataDir, unreachable);
        try (VersionedResponseStore store = ResponseStores.open(config)) {
            store.addVersion(OffersContract.V1, Set.of(0));
            store.makeCurrent("offers", 1);
        }
        Path rocksdb = dataDir.resolve("offers").resolve("v1").resolve("rocksdb");
        Files.writeString(rocksdb.resolve("CURRENT"), "not a manifest name", StandardCharsets.US_ASCII);

        ServingNode node = new ServingNode();
        try (VersionedResponseStore store = ResponseStores.open(config, node.meterRegistry());
                node) {
            int port = node.start(
                    store,
                    ServingConfig.of(Map.of(
                            ServingConfig.PORT,
                            "0",
                            ServingConfig.IO_THREADS,
                            "1",
                            ServingConfig.ADMIN_PORT,
                            "0",
                            ServingConfig.ADMIN_TOKEN,
                            TOKEN)));

            String status = get(node.adminPort(), "/admin/status");
            String movedTo = dataDir.resolve("offers")
                    .resolve("quarantine")
                    .resolve("v1.")
                    .toString();
            assertThat(status)
                    .contains("\"quarantined\":[{\"view\":\"offers\",\"version\":1,\"moved_to\":\"" + movedTo);
            assertThat(status)
                    .containsPattern("\"reason\":\"[^\"]*cannot open RocksDB at " + rocksdb
                            + "[^\"]*\",\"rebuilding\":true,\"at_millis\":\\d+}]}$");
            assertThat(Files.readString(
                            Path.of(movedTo + status.replaceAll(".*\"moved_to\":\"[^\"]*/v1\\.(\\d+)\".*", "$1"))
                                    .resolve("rocksdb")
                                    .resolve("CURRENT")))
                    .as("kept for inspection")
                    .isEqualTo("not a manifest name");
            assertThat(get(port, "/metrics")).containsPattern("(?m)^matstore_store_quarantined_versions 1\\.0$");
        }
    }

    private String get(int port, String path) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }
}
