package io.matstore.bench.serving;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP/1.1 load generator on 127.0.0.1 (wrk2's idea, {@code -R}): requests leave at a fixed arrival
 * rate whatever the answers, spread round-robin over keep-alive connections (pipelined when answers lag), so that
 * an offered 2× capacity really is twice the requests of 1×. Each answer's latency is counted from the request's
 * intended send time, not from when it was written, so a generator that falls behind, or a node that stops reading,
 * shows as latency instead of hiding it (no coordinated omission).
 *
 * <p>One event loop does everything: a timer every 100 µs writes the requests now due (random offers keys, drawn
 * ahead of the run) and flushes once per connection; answers are parsed by Netty's decoder. A run is bounded: it
 * sends for the given time, then waits at most 3 s for the answers still due, and counts the rest as unanswered.
 */
public final class OpenLoopLoad implements AutoCloseable {
    private static final int KEYS = 4096;
    private static final long TICK_NANOS = 100_000;

    /** What one run measured; {@code admitted} holds the latencies (µs) of the answers that were not 503. */
    public record Result(
            long sent,
            long answered,
            long shed,
            long unanswered,
            double seconds,
            Histogram admitted,
            long maxSendLagMicros) {
        public double goodput() {
            return (answered - shed) / seconds;
        }

        public double shedRatio() {
            return answered == 0 ? 0 : (double) shed / answered;
        }

        public long p99() {
            return admitted.getValueAtPercentile(99);
        }
    }

    private final EventLoopGroup group;
    private final Channel[] channels;
    private final Conn[] conns;
    private final ByteBuf[] requests = new ByteBuf[KEYS];

    public OpenLoopLoad(int port, int connections, int skus) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Random random = new Random(42);
        String[] regions = {"us", "eu", "uk", "jp"};
        String[] tiers = {"standard", "gold"};
        for (int i = 0; i < KEYS; i++) {
            String path = String.format(
                    "/v1/views/offers?sku=SKU-%06d&region=%s&currency=USD&tier=%s",
                    random.nextInt(skus), regions[random.nextInt(4)], tiers[random.nextInt(2)]);
            requests[i] = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                    .writeBytes(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII)));
        }
        channels = new Channel[connections];
        conns = new Conn[connections];
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
        for (int i = 0; i < connections; i++) {
            Conn c = new Conn();
            conns[i] = c;
            channels[i] = b.handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpResponseDecoder(), c);
                        }
                    })
                    .connect("127.0.0.1", port)
                    .sync()
                    .channel();
        }
    }

    /** Offers {@code rate} requests/s for {@code seconds}; blocks until the run's answers are in (at most +3 s). */
    public Result run(double rate, double seconds) throws InterruptedException {
        EventLoop loop = channels[0].eventLoop();
        Histogram h = new Histogram(60_000_000L, 3);
        long total = (long) (rate * seconds);
        double interval = 1e9 / rate;
        CountDownLatch sentAll = new CountDownLatch(1);
        long[] state = new long[3]; // sent, max send lag ns, start ns
        for (Conn c : conns) {
            c.reset(h);
        }
        ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
        loop.execute(() -> {
            state[2] = System.nanoTime();
            timer[0] = loop.scheduleAtFixedRate(
                    () -> {
                        long now = System.nanoTime();
                        long start = state[2];
                        long sent = state[0];
                        boolean wrote = false;
                        while (sent < total) {
                            long intended = start + (long) (sent * interval);
                            if (intended > now) {
                                break;
                            }
                            state[1] = Math.max(state[1], now - intended);
                            int ci = (int) (sent % channels.length);
                            conns[ci].intended.addLast(intended);
                            channels[ci].write(requests[(int) (sent % KEYS)].duplicate(), channels[ci].voidPromise());
                            sent++;
                            wrote = true;
                        }
                        state[0] = sent;
                        if (wrote) {
                            for (Channel ch : channels) {
                                ch.flush();
                            }
                        }
                        if (sent >= total) {
                            timer[0].cancel(false);
                            sentAll.countDown();
                        }
                    },
                    0,
                    TICK_NANOS,
                    TimeUnit.NANOSECONDS);
        });
        sentAll.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline && answered() < total) {
            Thread.sleep(10);
        }
        double elapsed = 0;
        long answered = 0;
        long shed = 0;
        for (Conn c : conns) {
            answered += c.answered;
            shed += c.shed;
            elapsed = Math.max(elapsed, (c.lastAnswerNanos - state[2]) / 1e9);
        }
        Histogram copy = new Histogram(60_000_000L, 3);
        synchronized (h) {
            copy.add(h);
        }
        return new Result(
                state[0], answered, shed, state[0] - answered, Math.max(seconds, elapsed), copy, state[1] / 1000);
    }

    private long answered() {
        long a = 0;
        for (Conn c : conns) {
            a += c.answered;
        }
        return a;
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            if (ch != null) {
                ch.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection's answers, matched in order to the intended send times of its requests. */
    private static final class Conn extends ChannelInboundHandlerAdapter {
        final ArrayDeque<Long> intended = new ArrayDeque<>();
        volatile long answered;
        volatile long shed;
        volatile long lastAnswerNanos;
        private Histogram histogram;
        private int status;

        void reset(Histogram h) {
            histogram = h;
            answered = 0;
            shed = 0;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r) {
                    status = r.status().code();
                }
                if (msg instanceof LastHttpContent) {
                    long now = System.nanoTime();
                    Long sentAt = intended.pollFirst();
                    if (status == 503) {
                        shed++;
                    } else if (sentAt != null) {
                        synchronized (histogram) {
                            histogram.recordValue(Math.min(60_000_000L, (now - sentAt) / 1000));
                        }
                    }
                    lastAnswerNanos = now;
                    answered++;
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
