package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lag shedding on a real node with one event loop: a pipelining client whose every lookup takes 10 ms keeps the loop
 * late (well over a target of 5 ms, which a busy CI machine alone seldom reaches for a whole interval), the shed
 * probability climbs, a connection shed while the loop lags stops being read, and once the load is gone the same
 * connection is read again and answered.
 */
@Timeout(30)
class LagShedPauseHttpTest {
    private static final byte[] GET = ("GET /v1/views/offers?" + MUG_QUERY + " HTTP/1.1\r\nHost: n\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final int DEPTH = 16;

    private final ServingFixture f = new ServingFixture(Map.of(
            ServingConfig.IO_THREADS,
            "1",
            ServingConfig.SHED_LAG_TARGET_MS,
            "5",
            ServingConfig.SHED_LAG_INTERVAL_MS,
            "20",
            ServingConfig.SHED_MAX_REJECTION_RATIO,
            "1.0"));
    private final AtomicBoolean loading = new AtomicBoolean(true);

    @AfterEach
    void close() {
        loading.set(false);
        f.close();
    }

    @Test
    void shouldPauseAConnectionShedWhileLaggingAndAnswerItOnceTheLagIsGone() throws Exception {
        f.v1.readDelayNanos(TimeUnit.MILLISECONDS.toNanos(10));
        try (Socket load = new Socket("127.0.0.1", f.port);
                Socket probe = new Socket("127.0.0.1", f.port)) {
            load.setSoTimeout(10_000);
            load(load);
            probe.setSoTimeout(10_000);
            // the loop lags: sooner or later this connection's request is shed, while the loop is over its target
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                send(probe);
                return status(probe).startsWith("HTTP/1.1 503");
            });

            send(probe); // waits in the socket's buffer while the connection is paused
            loading.set(false);
            load.shutdownOutput(); // unblocks the writer; the node sees the end of the load's requests
            f.v1.readDelayNanos(0);

            assertThat(status(probe)).startsWith("HTTP/1.1 ");
            // the resumed connection serves again once the shed probability has decayed
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                send(probe);
                return status(probe).startsWith("HTTP/1.1 200");
            });
        }
        assertThat(f.getText("/metrics").body()).containsPattern("matstore_shed_read_pauses_total [1-9]");
    }

    /**
     * Pipelined GETs, at most {@value #DEPTH} unanswered (under serving.max.pipelined.requests, which would close the
     * connection), so the loop always has a request ready; it blocks while the node does not read the connection.
     */
    private void load(Socket s) {
        Semaphore outstanding = new Semaphore(DEPTH);
        Thread writer = new Thread(
                () -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        while (loading.get() && System.nanoTime() < end) {
                            if (outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                out.write(GET);
                            }
                        }
                    } catch (IOException | InterruptedException closed) {
                        // the test ended the load
                    }
                },
                "lag-load-writer");
        Thread reader = new Thread(
                () -> {
                    try {
                        while (loading.get()) {
                            status(s);
                            outstanding.release();
                        }
                    } catch (IOException closed) {
                        // the test ended the load
                    }
                },
                "lag-load-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    private static void send(Socket s) throws IOException {
        s.getOutputStream().write(GET);
        s.getOutputStream().flush();
    }

    /** Reads one response off the socket and returns its status line. */
    private static String status(Socket s) throws IOException {
        return RawResponses.status(s.getInputStream());
    }
}
