package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.serving.ServingConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate in front of a handler that collects what it passes on (a Netty EmbeddedChannel: no socket needed). */
class ShedGateTest {
    private static final long MS = 1_000_000;
    private static final String VIEW = "GET /v1/views/offers?sku=1 HTTP/1.1\r\nHost: n\r\n\r\n";
    private static final String PROBE = "GET /healthz HTTP/1.1\r\nHost: n\r\n\r\n";

    private final AtomicLong wall = new AtomicLong(1_000 * MS);
    private final AtomicLong cpu = new AtomicLong();
    private final LoopCpu loops = new LoopCpu(0.5, 20 * MS, wall::get, cpu::get);
    private final LoadShedder shedder = new LoadShedder(100, 1.0, 1_000, () -> 0L, null, null, loops);
    private final ServingMetrics metrics = new ServingMetrics();
    private final ConnectionLimits limits = new ConnectionLimits(ServingConfig.of(Map.of()), metrics.registry());
    private final ShedGate gate = new ShedGate(shedder, limits, metrics, 8192, new ResponseBacklog(64, 1_000, limits));
    private final ByteBuf passed = Unpooled.buffer();
    private final EmbeddedChannel channel = new EmbeddedChannel(gate, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            passed.writeBytes((ByteBuf) msg);
            ((ByteBuf) msg).release();
        }
    });

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        passed.release();
    }

    /** Busy loops until PIE sheds every request. */
    private void overloaded() {
        Runnable probe = loops.probe();
        probe.run();
        for (int i = 0; i < 40 * 4; i++) {
            wall.addAndGet(5 * MS);
            cpu.addAndGet(5 * MS);
            probe.run();
        }
        assertThat(loops.shedProbability()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
    }

    private void read(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    private int answered503() {
        int n = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) out;
            assertThat(b.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 503 ");
            b.release();
            n++;
        }
        return n;
    }

    private String passed() {
        return passed.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldPassEverythingUnchangedWhileNothingIsShed() {
        read(VIEW + PROBE + VIEW);

        assertThat(passed()).isEqualTo(VIEW + PROBE + VIEW);
        assertThat(answered503()).isZero();
        assertThat(gate.takeDecision()).isTrue(); // both view GETs were drawn for: the handler does not draw again
        assertThat(gate.takeDecision()).isTrue();
        assertThat(gate.takeDecision()).isFalse();
    }

    @Test
    void shouldAnswerViewGetsWithoutDecodingThemAndPassTheRest() {
        overloaded();

        read(VIEW + PROBE + VIEW + VIEW);

        assertThat(answered503()).isEqualTo(3);
        assertThat(passed()).isEqualTo(PROBE);
        assertThat(metrics.registry().get("matstore_shed_requests").counter().count())
                .isEqualTo(3.0);
    }

    @Test
    void shouldStopActingOnAConnectionOnceARequestHasABody() {
        overloaded();
        String post = "POST /v1/views/offers/batch HTTP/1.1\r\nContent-Length: " + VIEW.length() + "\r\n\r\n";

        read(VIEW + post + VIEW + VIEW); // the body looks like a view GET: it must not be taken for one

        assertThat(answered503()).isEqualTo(1);
        assertThat(passed()).isEqualTo(post + VIEW + VIEW);
    }

    @Test
    void shouldFrameAHeadSplitAcrossReadsWithoutSheddingIt() {
        overloaded();

        read(VIEW.substring(0, 20));
        read(VIEW.substring(20) + VIEW);

        assertThat(passed()).isEqualTo(VIEW);
        assertThat(answered503()).isEqualTo(1);
    }

    @Test
    void shouldLearnOnceWholeThatASplitHeadHasABody() {
        overloaded();
        String post = "POST /v1/views/offers/batch HTTP/1.1\r\nContent-Length: " + VIEW.length() + "\r\n\r\n";

        read(post.substring(0, 30));
        read(post.substring(30) + VIEW);
        read(VIEW);

        assertThat(answered503()).isZero();
        assertThat(passed()).isEqualTo(post + VIEW + VIEW);
    }

    @Test
    void shouldShedViewGetsThatOnlySayKeepAliveAsMostClientLibrariesDo() {
        overloaded();
        String keepAlive = "GET /v1/views/offers?sku=1 HTTP/1.1\r\nHost: a\r\nConnection:  Keep-Alive \r\n\r\n";

        read(keepAlive + VIEW);

        assertThat(answered503()).isEqualTo(2);
        assertThat(passed()).isEmpty();
    }

    @Test
    void shouldNotShedRequestsThatCloseTheConnectionOrAreNotHttp11() {
        overloaded();
        String close = "GET /v1/views/offers?sku=1 HTTP/1.1\r\nConnection: close\r\n\r\n";

        read(close + VIEW);

        assertThat(answered503()).isZero();
        assertThat(passed()).isEqualTo(close + VIEW);
    }
}
