package io.matstore.it.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one serving node, switched between faults while the test runs: pass the
 * bytes on, delay each request, answer every request {@code 503 not_ready} itself, shed one request in
 * {@code n} with {@code 503 overloaded}, or die abruptly ({@link #kill()}: every connection reset, the port refusing)
 * and come back ({@link #revive()}). The node advertises the proxy's URL, so clients know the node only through it.
 *
 * <p>Requests are counted by their head's end ({@code \r\n\r\n}): the client sends GETs without a body and never
 * pipelines, so one read is one request.
 */
final class FaultProxy implements AutoCloseable {
    enum Mode {
        PASS,
        DELAY,
        UNAVAILABLE,
        SHED
    }

    private static final byte[] NOT_READY =
            answer("not_ready", "the test proxy answers 503 to everything", "Retry-After: 1\r\n");
    /** Without Retry-After: a shedder that does not ask clients to wait, so their limit is what protects it. */
    private static final byte[] OVERLOADED = answer("overloaded", "shed by the test proxy", "");

    private final EventLoopGroup group;
    private final int port;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong shedCounter = new AtomicLong();
    private volatile Channel server;
    private volatile int targetPort;
    private volatile Mode mode = Mode.PASS;
    private volatile long delayNanos;
    private volatile int shedEvery;

    private FaultProxy(EventLoopGroup group) throws InterruptedException {
        this.group = group;
        this.server = bind(0);
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    static FaultProxy start(EventLoopGroup group) throws InterruptedException {
        return new FaultProxy(group);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void target(int nodePort) {
        this.targetPort = nodePort;
    }

    void pass() {
        mode = Mode.PASS;
    }

    void delay(Duration d) {
        delayNanos = d.toNanos();
        mode = Mode.DELAY;
    }

    void unavailable() {
        mode = Mode.UNAVAILABLE;
    }

    /** Answers one request in {@code n} 503 overloaded, as a node past {@code serving.shed.max.in.flight} does. */
    void shed(int n) {
        shedEvery = n;
        mode = Mode.SHED;
    }

    /** Requests received since start, whatever was done with them. */
    long requests() {
        return requests.get();
    }

    /** Requests the proxy answered 503 itself. */
    long rejected() {
        return rejected.get();
    }

    /** Like {@code kill -9} of the node for its clients: open connections reset, new ones refused. */
    void kill() throws InterruptedException {
        server.close().sync();
        for (Channel ch : open) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
        }
    }

    void revive() throws InterruptedException {
        if (!server.isOpen()) {
            server = bind(port);
        }
        mode = Mode.PASS;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        open.forEach(Channel::close);
    }

    private Channel bind(int p) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        open.add(ch);
                        ch.closeFuture().addListener(f -> open.remove(ch));
                        ch.pipeline().addLast(new Inbound());
                    }
                })
                .bind("127.0.0.1", p)
                .sync()
                .channel();
    }

    private static byte[] answer(String code, String message, String retryAfter) {
        String body = "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
        return ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n" + retryAfter
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The client's side of one connection; the node's side is {@link #outbound}. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        private Channel outbound;
        private int matched;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel in = ctx.channel();
            new Bootstrap()
                    .group(in.eventLoop())
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext c, Object msg) {
                            in.writeAndFlush(msg);
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext c) {
                            in.close();
                        }
                    })
                    .connect("127.0.0.1", targetPort)
                    .addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            outbound = f.channel();
                            in.config().setAutoRead(true);
                        } else {
                            in.close();
                        }
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            int heads = countHeads(buf);
            requests.addAndGet(heads);
            Mode m = mode;
            if (m == Mode.UNAVAILABLE
                    || m == Mode.SHED && heads == 1 && shedCounter.incrementAndGet() % shedEvery == 0) {
                ReferenceCountUtil.release(buf);
                rejected.addAndGet(heads);
                for (int i = 0; i < heads; i++) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(m == Mode.UNAVAILABLE ? NOT_READY : OVERLOADED));
                }
            } else if (m == Mode.DELAY) {
                ctx.executor().schedule(() -> outbound.writeAndFlush(buf), delayNanos, TimeUnit.NANOSECONDS);
            } else {
                outbound.writeAndFlush(buf);
            }
        }

        private int countHeads(ByteBuf buf) {
            int heads = 0;
            for (int i = buf.readerIndex(); i < buf.writerIndex(); i++) {
                byte b = buf.getByte(i);
                boolean next = (matched % 2 == 0) ? b == '\r' : b == '\n';
                matched = next ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    heads++;
                    matched = 0;
                }
            }
            return heads;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (outbound != null) {
                outbound.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
