package io.matstore.serving.internal;

import io.matstore.serving.ServingConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} on their own port ({@code serving.probe.port}) and their
 * own event-loop thread. An orchestrator probing the request port sees a node whose loops are saturated or stuck in
 * a slow read as dead and restarts it, which turns overload into an outage; probing this port, it sees what the
 * node would answer, as soon as the node can compute it. Answers are the request port's ({@link HealthEndpoints}).
 *
 * <p>Probe traffic is small and trusted: the decoder's limits are tight, bodies are ignored, idle connections are
 * closed after {@code serving.idle.timeout.ms}.
 */
public final class ProbeServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private ProbeServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    public static ProbeServer start(NodeContext node, Transport transport) {
        ServingConfig c = node.config();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.io());
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel s) {
                            s.pipeline()
                                    .addLast(
                                            new IdleStateHandler(0, 0, c.idleTimeoutMillis(), TimeUnit.MILLISECONDS),
                                            new HttpRequestDecoder(new HttpDecoderConfig()
                                                    .setMaxInitialLineLength(1024)
                                                    .setMaxHeaderSize(8192)),
                                            new ProbeHandler(node));
                        }
                    })
                    .bind(c.host(), c.probePort())
                    .syncUninterruptibly()
                    .channel();
            return new ProbeServer(group, ch);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class ProbeHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final NodeContext node;
        private final Answer answer = new Answer();

        ProbeHandler(NodeContext node) {
            this.node = node;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest req)) {
                return;
            }
            if (req.decoderResult().isFailure()) {
                write(
                        ctx,
                        HttpErrors.error(ctx.alloc(), 400, "malformed_request", "malformed HTTP request", false, ""),
                        false);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String uri = req.uri();
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            int which = switch (path) {
                case "/healthz" -> HealthEndpoints.HEALTHZ;
                case "/readyz" -> HealthEndpoints.READYZ;
                case "/metrics" -> HealthEndpoints.METRICS;
                default -> -1;
            };
            if (which < 0) {
                write(
                        ctx,
                        HttpErrors.error(
                                ctx.alloc(),
                                404,
                                "unknown_path",
                                "the probe port serves /healthz," + " /readyz and /metrics only",
                                keepAlive,
                                ""),
                        keepAlive);
            } else if (!req.method().equals(HttpMethod.GET)) {
                write(
                        ctx,
                        HttpErrors.error(
                                ctx.alloc(),
                                405,
                                "method_not_allowed",
                                req.method() + " is not allowed here; use GET",
                                keepAlive,
                                "Allow: GET\r\n"),
                        keepAlive);
            } else {
                HealthEndpoints.answer(node, which, keepAlive, ctx.alloc(), answer);
                write(ctx, answer.buf, keepAlive);
            }
        }

        private static void write(ChannelHandlerContext ctx, ByteBuf buf, boolean keepAlive) {
            var f = ctx.writeAndFlush(buf);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
