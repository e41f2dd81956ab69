package io.matstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.util.ResourceLeakDetector;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Netty transport against {@link RawNode}, a real socket server that misbehaves on demand. */
@Timeout(30)
class HttpTest {
    private static final long DEADLINE_MS = 2000;
    private RawNode node;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        node = new RawNode();
        // a deadline short enough for the timeout tests, long enough that a thread-per-connection test node on a
        // busy machine still answers within it
        http = new Http(Duration.ofSeconds(1), Duration.ofMillis(DEADLINE_MS), 1);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        node.close();
    }

    private static Target target(String s) {
        return out -> out.writeCharSequence(s, StandardCharsets.US_ASCII);
    }

    private Response get(String path) throws Exception {
        return http.get(node.base(), target(path), Http.FLATBUFFERS).get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldWriteTheRequestHeadAndReuseOneKeepAliveConnectionForSequentialRequests() throws Exception {
        for (int i = 0; i < 20; i++) {
            Response r = get("/v1/views/offers?sku=S" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(r.header("etag")).isEqualTo("\"e1\"");
        }
        assertThat(node.connections.get()).isEqualTo(1);
        assertThat(node.heads.get(3))
                .isEqualTo("GET /v1/views/offers?sku=S3 HTTP/1.1\nHost: 127.0.0.1:" + node.server.getLocalPort()
                        + "\nAccept: application/x-flatbuffers\n");
    }

    @Test
    void shouldOpenAConnectionPerConcurrentRequestAndKeepThemForTheNextOnes() throws Exception {
        node.mode = RawNode.Mode.SILENT;
        List<CompletableFuture<Response>> inFlight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inFlight.add(http.get(node.base(), target("/x"), Http.JSON));
        }
        for (CompletableFuture<Response> f : inFlight) {
            assertThatThrownBy(f::get).hasCauseInstanceOf(SocketTimeoutException.class);
        }
        // the node counts a connection when its accept thread takes it, which on a busy machine can trail the client
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(node.connections.get()).isEqualTo(8));
        node.mode = RawNode.Mode.ANSWER;
        // One at a time: sent together, an early answer could free its connection for a later request, and the count
        // would depend on timing.
        for (int i = 0; i < 8; i++) {
            assertThat(http.get(node.base(), target("/x"), Http.JSON).get().statusCode())
                    .isEqualTo(200);
        }
        assertThat(node.connections.get())
                .as("timed-out connections are closed, not reused; the new one is kept for the next requests")
                .isEqualTo(9);
    }

    @Test
    void shouldFailWithSocketTimeoutAtTheDeadlineWhenTheNodeNeverAnswers() {
        node.mode = RawNode.Mode.SILENT;
        long start = System.nanoTime();
        assertThatThrownBy(() -> get("/slow"))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("no answer from " + node.base() + " in " + DEADLINE_MS + " ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(DEADLINE_MS - 50), Duration.ofMillis(DEADLINE_MS + 2500));
    }

    @Test
    void shouldSendAgainOnANewConnectionWhenTheNodeClosedTheKeepAliveOneAsItWasTaken() throws Exception {
        node.mode = RawNode.Mode.CLOSE_ON_SECOND_REQUEST;
        assertThat(get("/a").statusCode()).isEqualTo(200);
        assertThat(get("/b").statusCode()).isEqualTo(200);
        assertThat(node.connections.get()).isEqualTo(2);
        assertThat(node.heads).hasSize(3);
    }

    @Test
    void shouldFailWithAnIOExceptionWhenTheNodeResetsTheConnection() {
        node.mode = RawNode.Mode.RESET;
        assertThatThrownBy(() -> get("/reset"))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void shouldFailWithConnectExceptionNamingTheNodeWhenNothingListens() throws Exception {
        // A bound socket that never listens: the kernel refuses every connect to its port, and the port can neither be
        // taken by another process nor picked as the client's own source port (a closed port could be, and on
        // loopback that connects the client to itself).
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String dead = "http://127.0.0.1:" + bound.getLocalPort();
            assertThatThrownBy(() -> http.get(dead, target("/"), Http.JSON).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ConnectException.class)
                    .hasMessageContaining("cannot connect to " + dead);
        }
    }

    @Test
    void shouldReadChunkedAnswersAndPostBodiesAndConditionalGets() throws Exception {
        node.mode = RawNode.Mode.CHUNKED;
        node.body = "chunked body";
        assertThat(new String(get("/c").body(), StandardCharsets.UTF_8)).isEqualTo("chunked body");
        node.mode = RawNode.Mode.ANSWER;
        assertThat(http.post(node.base(), "/v1/views/offers/batch", "a=1\nb=é\n")
                        .get()
                        .statusCode())
                .isEqualTo(200);
        assertThat(node.heads.get(1))
                .startsWith("POST /v1/views/offers/batch HTTP/1.1\n")
                .contains("Content-Length: 9\n");
        http.getDocument(node.base(), "/v1/cluster", "\"g7\"");
        assertThat(node.heads.get(2)).contains("If-None-Match: \"g7\"\n");
    }

    @Test
    void shouldPercentEncodeQueryValuesAsUtf8() {
        io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
        try {
            Query.writeEncoded(out, "a b&c=é€😀-._~Z9");
            assertThat(out.toString(StandardCharsets.US_ASCII))
                    .isEqualTo("a%20b%26c%3D%C3%A9%E2%82%AC%F0%9F%98%80-._~Z9");
        } finally {
            out.release();
        }
    }

    /**
     * Every buffer the transport allocates or is given is released: the leak detector at PARANOID tracks each one,
     * and reports a buffer collected unreleased through Netty's logger, which on this test classpath (no SLF4J) is
     * java.util.logging.
     */
    @Test
    void shouldReleaseEveryBufferOnAnswersTimeoutsAndResets() throws Exception {
        List<String> leaks = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(ResourceLeakDetector.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getMessage() != null && r.getMessage().contains("LEAK")) {
                    leaks.add(r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        jul.addHandler(handler);
        try {
            for (RawNode.Mode mode : new RawNode.Mode[] {
                RawNode.Mode.ANSWER, RawNode.Mode.CHUNKED, RawNode.Mode.SILENT, RawNode.Mode.RESET, RawNode.Mode.ANSWER
            }) {
                node.mode = mode;
                List<CompletableFuture<Response>> inFlight = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    inFlight.add(http.get(node.base(), target("/leak?i=" + i), Http.JSON));
                    if (inFlight.size() == 16) {
                        inFlight.forEach(f -> f.handle((r, e) -> r).join());
                        inFlight.clear();
                    }
                }
                inFlight.forEach(f -> f.handle((r, e) -> r).join());
            }
            for (int round = 0; round < 3 && leaks.isEmpty(); round++) {
                System.gc();
                Thread.sleep(100);
                for (int i = 0; i < 50; i++) { // allocations make the detector report what was collected
                    get("/after-gc");
                }
            }
            assertThat(leaks).isEmpty();
        } finally {
            jul.removeHandler(handler);
            ResourceLeakDetector.setLevel(level);
        }
    }

    @Test
    void shouldFailRequestsAfterClose() {
        http.close();
        assertThatThrownBy(() -> get("/"))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the client is closed");
    }
}
