package io.matstore.bench.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The floor of the serving load benchmark: the least a Netty HTTP/1.1 server can do per request — answer every
 * request with the same pre-built body of a given size, keep-alive, on the same transport and thread count as the
 * serving node. Whatever the serving node costs above this is ours.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.matstore.bench.http.FixedBodyServer [port] [bodyBytes] [seconds]
 * </pre>
 * It stops by itself after {@code seconds} (default 120) and binds 127.0.0.1 only.
 */
public final class FixedBodyServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    public FixedBodyServer(int port, int bodyBytes, int threads) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(
                threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        byte[] bytes = new byte[bodyBytes];
        Arrays.fill(bytes, (byte) 'x');
        ByteBuf body =
                Unpooled.unreleasableBuffer(Unpooled.directBuffer(bodyBytes).writeBytes(bytes));
        channel = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(8192),
                                        new FixedBodyHandler(body));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port))
                .sync()
                .channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private static final class FixedBodyHandler extends SimpleChannelInboundHandler<HttpRequest> {
        private final ByteBuf body;

        FixedBodyHandler(ByteBuf body) {
            this.body = body;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body.duplicate());
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/x-flatbuffers")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // wrk resets its connections when it stops; nothing to report
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        try (FixedBodyServer server = new FixedBodyServer(port, bodyBytes, 1)) {
            System.out.println("fixed-body server on 127.0.0.1:" + server.port() + ", " + bodyBytes
                    + "-byte body, stopping in " + seconds + " s");
            Thread.sleep(seconds * 1000L);
        }
    }
}
