package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may drive the admin listener of a real node, on raw sockets: only a caller with the token (generated when
 * none is configured), naming the listener itself in Host and Origin, sending commands as POST with a JSON body.
 * A browser's cross-site form post to {@code swap?force=true} is refused three times over. The listener's own
 * answers (413, 100-continue) are written, and idle connections are closed.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminSafetyHttpTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    static Path dataDir;

    private VersionedResponseStore store;
    private final ServingNode node = new ServingNode();
    private int port;
    private String token;

    @BeforeAll
    void start() {
        store = ResponseStores.open(StoreConfig.of(dataDir, KAFKA.bootstrapServers()));
        node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT,
                        "0",
                        ServingConfig.ADMIN_PORT,
                        "0",
                        ServingConfig.IDLE_TIMEOUT_MS,
                        "1000",
                        ServingConfig.ADMIN_ALLOWED_HOSTS,
                        "admin.example:443")));
        port = node.adminPort();
        token = node.adminToken();
    }

    @AfterAll
    void stop() {
        node.close();
        store.close();
    }

    @Test
    void shouldRequireAGeneratedTokenWhenNoneIsConfigured() throws Exception {
        assertThat(token).matches("[A-Za-z0-9_-]{43}");

        assertThat(send("GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 401 ");
        assertThat(send(status("127.0.0.1:" + port, "")))
                .startsWith("HTTP/1.1 200 ")
                .contains("{\"versions\":[],\"quarantined\":[]}");
    }

    @Test
    void shouldRefuseAHostOrOriginThatIsNotTheListenersOwn() throws Exception {
        assertThat(send(status("localhost:" + port, ""))).startsWith("HTTP/1.1 200 ");
        assertThat(send(status("admin.example:443", "Origin: https://admin.example:443\r\n")))
                .startsWith("HTTP/1.1 200 ");
        assertThat(send(status("127.0.0.1:" + port, "Origin: http://127.0.0.1:" + port + "\r\n")))
                .startsWith("HTTP/1.1 200 ");

        // a DNS-rebound name, a page elsewhere, a sandboxed page
        assertThat(send(status("rebound.example:" + port, "")))
                .startsWith("HTTP/1.1 403 ")
                .contains("Host \\\"rebound.example:" + port + "\\\" is not this admin listener's");
        assertThat(send(status("127.0.0.1:" + port, "Origin: http://evil.example\r\n")))
                .startsWith("HTTP/1.1 403 ")
                .contains("Origin \\\"http://evil.example\\\" is not this admin listener's");
        assertThat(send(status("127.0.0.1:" + port, "Origin: null\r\n"))).startsWith("HTTP/1.1 403 ");
    }

    @Test
    void shouldTakeCommandsOnlyAsPostWithAJsonBody() throws Exception {
        String formPost = "POST /admin/views/offers/versions/2/swap?force=true HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 10\r\nConnection: close\r\n\r\nforce=true";
        assertThat(send(formPost)).startsWith("HTTP/1.1 415 ").contains("unsupported_media_type");

        assertThat(send(command("/admin/views/offers/versions/2/swap", "force=true")))
                .startsWith("HTTP/1.1 400 ")
                .contains("bad_body");
        assertThat(send(command("/admin/views/offers/versions/2/swap", "[]")))
                .startsWith("HTTP/1.1 400 ")
                .contains("the body must be a JSON object");
        // the body's members are the parameters
        assertThat(send(command(
                        "/admin/views/offers/versions/2/load",
                        "{\"mode\":\"fast\",\"partitions\":[0,1],\"dimensions\":[\"sku\"]}")))
                .startsWith("HTTP/1.1 400 ")
                .contains("bad_parameter")
                .contains("fast");
        assertThat(send(command("/admin/views/offers/versions/2/swap", "{\"force\":true}")))
                .startsWith("HTTP/1.1 404 ")
                .contains("version_not_held");
        assertThat(send("GET /admin/views/offers/rollback HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ");
    }

    @Test
    void shouldAnswerTooLargeBodiesAndExpectContinue() throws Exception {
        String head = "POST /admin/views/offers/rollback HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization:"
                + " Bearer " + token + "\r\nContent-Type: application/json\r\n";

        assertThat(send(head + "Content-Length: 1000000\r\n\r\n{")).startsWith("HTTP/1.1 413 ");
        assertThat(send(head + "Expect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"))
                .startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 ")
                .contains("no_previous_version");
    }

    @Test
    void shouldCloseIdleConnections() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 5_000L);
        }
    }

    private String status(String host, String extraHeaders) {
        return "GET /admin/status HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token + "\r\n"
                + extraHeaders + "Connection: close\r\n\r\n";
    }

    private String command(String path, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    /** One connection: writes the request, reads until the node closes it. */
    private String send(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
