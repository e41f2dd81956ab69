package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The connection-level limits of a real node, each on raw sockets: connection cap, request deadline against
 * trickling clients, write backpressure against a client that never reads, and the shedder permit released on every
 * path (an {@link Error} in a lookup, a client gone mid-request, a broken chunked body). The shedder admits one
 * request at a time, so a leaked permit shows as a 503 for the next request. One node for the class; the meters are
 * read on the probe port, outside the connection cap.
 */
@Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionLimitsHttpTest {
    private static final String MUG_GET = "GET /v1/views/offers?" + MUG_QUERY + " HTTP/1.1\r\nHost: n\r\n\r\n";
    private static final int MAX_CONNECTIONS = 4;

    private final ServingFixture f = new ServingFixture(Map.of(
            ServingConfig.MAX_CONNECTIONS, String.valueOf(MAX_CONNECTIONS),
            ServingConfig.REQUEST_TIMEOUT_MS, "1000",
            ServingConfig.READ_TIMEOUT_MS, "20000",
            ServingConfig.WRITE_TIMEOUT_MS, "1000",
            ServingConfig.MAX_PIPELINED_REQUESTS, "8",
            ServingConfig.WRITE_BUFFER_HIGH_BYTES, "16384",
            ServingConfig.WRITE_BUFFER_LOW_BYTES, "8192",
            ServingConfig.SHED_MAX_IN_FLIGHT, "1",
            ServingConfig.SHED_MAX_REJECTION_RATIO, "1.0",
            ServingConfig.PROBE_PORT, "0"));
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void closeSockets() throws IOException {
        f.v1.throwing(null);
        f.v1.releaseReads();
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> metric("matstore_connections") == 0 && metric("matstore_in_flight") == 0);
    }

    @AfterAll
    void close() {
        pacer.shutdownNow();
        f.close();
    }

    @Test
    void shouldRefuseAConnectionBeyondTheCapWith503AndAcceptAgainWhenOneCloses() throws Exception {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            Socket s = connect();
            send(s, "GET /healthz HTTP/1.1\r\nHost: n\r\n\r\n");
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
        }

        Socket over = connect();
        String refused = new String(over.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

        assertThat(refused)
                .startsWith("HTTP/1.1 503")
                .contains("too_many_connections")
                .contains("serving.max.connections=4")
                .contains("Retry-After: 1");
        assertThat(metric("matstore_connections_refused_total")).isGreaterThanOrEqualTo(1);
        sockets.remove(0).close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Socket s = new Socket("127.0.0.1", f.port)) {
                s.setSoTimeout(5_000);
                send(s, "GET /healthz HTTP/1.1\r\nHost: n\r\nConnection: close\r\n\r\n");
                assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
            }
        });
    }

    @Test
    void shouldAnswer408WhenHeadersTrickleInBeyondTheRequestDeadline() throws Exception {
        Socket s = connect();
        long start = System.nanoTime();
        send(s, "GET /healthz HTTP/1.1\r\n");
        AtomicBoolean stop = trickle(s, "X-Slow: " + "a".repeat(200));

        String response = readResponse(s.getInputStream());
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        stop.set(true);

        // each byte arrives within the read timeout (20 s): only the deadline can end this request
        assertThat(response)
                .startsWith("HTTP/1.1 408")
                .contains("serving.request.timeout.ms=1000")
                .contains("Connection: close");
        assertThat(elapsedMillis).isBetween(900L, 5_000L);
        assertThat(closedByTheNode(s)).isTrue();
    }

    @Test
    void shouldAnswer408WhenABatchBodyTricklesAndReleaseItsPermit() throws Exception {
        Socket s = connect();
        send(s, "POST /v1/views/offers/batch HTTP/1.1\r\nHost: n\r\nContent-Length: 1000\r\n\r\n");
        AtomicBoolean stop = trickle(s, (MUG_QUERY + "\n").repeat(30));

        String response = readResponse(s.getInputStream());
        stop.set(true);

        assertThat(response).startsWith("HTTP/1.1 408").contains("serving.request.timeout.ms=1000");
        assertThat(getMug()).startsWith("HTTP/1.1 200");
    }

    @Test
    void shouldReleaseThePermitWhenALookupThrowsAnError() throws Exception {
        f.v1.throwing(new AssertionError("injected"));

        assertThat(oneShot(MUG_GET.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")))
                .startsWith("HTTP/1.1 500")
                .contains("injected");
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("matstore_in_flight") == 0);
        assertThat(oneShot("POST /v1/views/offers/batch HTTP/1.1\r\nHost: n\r\nContent-Length: "
                        + (MUG_QUERY.length() + 1) + "\r\nConnection: close\r\n\r\n" + MUG_QUERY + "\n"))
                .startsWith("HTTP/1.1 500")
                .contains("injected");

        f.v1.throwing(null);
        assertThat(getMug()).startsWith("HTTP/1.1 200");
        assertThat(metric("matstore_in_flight")).isZero();
    }

    @Test
    void shouldReleaseThePermitWhenTheClientClosesMidRequest() throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.port)) {
            send(s, "POST /v1/views/offers/batch HTTP/1.1\r\nHost: n\r\nContent-Length: 100\r\n\r\nsku=SKU");
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("matstore_in_flight") == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("matstore_in_flight") == 0);

        CountDownLatch entered = new CountDownLatch(1);
        f.v1.holdReads(entered);
        try (Socket s = new Socket("127.0.0.1", f.port)) {
            send(s, MUG_GET);
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        }
        f.v1.releaseReads();

        await().atMost(Duration.ofSeconds(5)).until(() -> metric("matstore_in_flight") == 0);
        assertThat(getMug()).startsWith("HTTP/1.1 200");
    }

    @Test
    void shouldAnswer400ToABatchWhoseChunkedBodyIsMalformed() throws Exception {
        String response = oneShot("POST /v1/views/offers/batch HTTP/1.1\r\nHost: n\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(MUG_QUERY.length() + 1) + "\r\n"
                + MUG_QUERY + "\n\r\nzz\r\n");

        assertThat(response)
                .startsWith("HTTP/1.1 400")
                .contains("malformed_request")
                .contains("Connection: close");
        assertThat(getMug()).startsWith("HTTP/1.1 200");
    }

    @Test
    void shouldStopReadingAndCloseAClientThatPipelinesWithoutReading() throws Exception {
        double closedBefore = metric("matstore_connections_closed_total");
        Socket s = new Socket();
        s.setReceiveBufferSize(1024); // the node's responses back up at once
        s.connect(new java.net.InetSocketAddress("127.0.0.1", f.port));
        sockets.add(s);
        byte[] requests = "GET /metrics HTTP/1.1\r\nHost: n\r\n\r\n".repeat(200).getBytes(StandardCharsets.US_ASCII);
        AtomicInteger sent = new AtomicInteger();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < 100; i++) { // 20,000 requests: far more than the node may hold for one client
                    out.write(requests);
                    sent.incrementAndGet();
                }
            } catch (IOException closedByTheNode) {
                // expected
            }
        });
        writer.setDaemon(true);
        writer.start();

        writer.join(15_000);

        // whatever the kernel buffers took, the node stopped reading and closed the connection on its own
        assertThat(writer.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("matstore_connections_closed_total") > closedBefore);
        double answered = metric("matstore_http_requests_seconds_count{status=\"200\",view=\"_none\"}");
        assertThat(answered).isLessThan(sent.get() * 200 / 2.0);
    }

    /** End of stream, or a reset (the trickling client wrote after the close). */
    private static boolean closedByTheNode(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * A GET once every permit is back: a permit is released when its response's write completes, which the client
     * may see a moment before the node's event loop runs the release, so a leak shows as a wait that never ends.
     */
    private String getMug() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("matstore_in_flight") == 0);
        return oneShot(MUG_GET.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
    }

    private String oneShot(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", f.port)) {
            s.setSoTimeout(5_000);
            send(s, request);
            return readResponse(s.getInputStream());
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", f.port);
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Writes {@code text} one byte every 100 ms until stopped, done or the socket closes. */
    private AtomicBoolean trickle(Socket s, String text) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        pacer.scheduleAtFixedRate(
                () -> {
                    int i = next.getAndIncrement();
                    if (stop.get() || i >= text.length() || s.isClosed()) {
                        throw new CancellationException("done"); // ends this schedule
                    }
                    try {
                        s.getOutputStream().write(text.charAt(i));
                        s.getOutputStream().flush();
                    } catch (IOException closedByTheNode) {
                        throw new CancellationException("closed");
                    }
                },
                0,
                100,
                TimeUnit.MILLISECONDS);
        return stop;
    }

    /** One response: head, and the body by Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (b.size() >= 4 && b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        String head = b.toString(StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        if (m.find()) {
            head += new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.ISO_8859_1);
        }
        return head;
    }

    /** Sum of a meter's samples (all tags) at the probe port's /metrics. */
    private double metric(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = f.client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.node.probePort() + "/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name.endsWith("}") ? name : name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
