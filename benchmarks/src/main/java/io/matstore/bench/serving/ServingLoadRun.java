package io.matstore.bench.serving;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.OffersContract;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Load run against the real serving node on 127.0.0.1, beside the floor: a minimal Netty HTTP server (one event
 * loop, HttpServerCodec) answering a fixed body of the same size. Both get one event loop; {@code wrk} (Debian
 * package) drives each for the same time with the same connections, one after the other.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar -Dio.netty.leakDetection.level=disabled
 * io.matstore.bench.serving.ServingLoadRun [seconds=10] [connections=64]}. Bounded: 2 × seconds plus start-up.
 */
public final class ServingLoadRun {
    private static final String QUERY = "/v1/views/offers?sku=SKU-12345&region=eu&currency=EUR&tier=gold";

    private ServingLoadRun() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        byte[] key = KeyCodec.encode(OffersContract.V1, "SKU-12345", "eu", "EUR", "gold");
        byte[] envelope = envelope(key);
        SingleEntryStore store = new SingleEntryStore(new SingleEntryViewReader(OffersContract.V1, key, envelope));

        ServingNode node = new ServingNode();
        int servingPort = node.start(store, ServingConfig.of(Map.of(ServingConfig.PORT, "0",
                ServingConfig.IO_THREADS, "1")));
        EventLoopGroup floorGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Channel floor = floorServer(floorGroup, envelope.length);
        int floorPort = ((InetSocketAddress) floor.localAddress()).getPort();
        try {
            System.out.println("body " + envelope.length + " B, wrk -t1 -c" + connections + " -d" + seconds + "s");
            System.out.println("== floor (minimal Netty server, fixed body)");
            System.out.println(wrk(floorPort, QUERY, seconds, connections));
            System.out.println("== serving node (FlatBuffers)");
            System.out.println(wrk(servingPort, QUERY, seconds, connections));
        } finally {
            node.close();
            floor.close().syncUninterruptibly();
            floorGroup.shutdownGracefully().syncUninterruptibly();
        }
    }

    private static String wrk(int port, String path, int seconds, int connections)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
                "http://127.0.0.1:" + port + path).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static Channel floorServer(EventLoopGroup group, int bodyBytes) {
        ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bodyBytes).writeZero(bodyBytes));
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096),
                                new SimpleChannelInboundHandler<HttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest msg) {
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, body.duplicate());
                                        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-flatbuffers")
                                                .setInt(HttpHeaderNames.CONTENT_LENGTH, bodyBytes);
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    private static byte[] envelope(byte[] key) {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int r = OfferResponse.createOfferResponse(b, b.createString("SKU-12345"), b.createString("eu"),
                b.createString("EUR"), b.createString("gold"), b.createString("Stoneware mug, 350 ml"),
                b.createString("kitchen"), 1022L, 2, b.createString("P-9"), 10, 3, true);
        b.finish(r);
        return ResponseEnvelopes.encode(OffersContract.V1, key, 0x0123456789abcdefL, System.currentTimeMillis() * 1000,
                b.sizedByteArray());
    }
}
