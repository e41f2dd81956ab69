package io.matstore.serving.internal;

import io.matstore.serving.ServingConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node-wide connection cap ({@code serving.max.connections}), the meters of the per-connection limits and the
 * precomposed refusals (too many connections, shed). First
 * handler of every connection: a connection beyond the cap gets a precomposed 503 and is closed before any of its
 * bytes are read, so a flood of connections costs one accept and one write each.
 */
@ChannelHandler.Sharable
public final class ConnectionLimits extends ChannelInboundHandlerAdapter {
    private final int maxConnections;
    private final byte[] refusal;
    private final byte[] shedKeepAlive;
    private final byte[] shedClose;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;
    final Counter pipeliningCloses;
    final Counter writeTimeouts;
    final Counter lagPauses;

    public ConnectionLimits(ServingConfig config, MeterRegistry registry) {
        this.maxConnections = config.maxConnections();
        ByteBuf b = HttpErrors.error(
                UnpooledByteBufAllocator.DEFAULT,
                503,
                "too_many_connections",
                "the node holds " + ServingConfig.MAX_CONNECTIONS + "=" + maxConnections + " connections; retry later",
                false,
                "Retry-After: " + config.retryAfterSeconds() + "\r\n");
        this.refusal = bytes(b);
        String retryAfter = "Retry-After: " + config.retryAfterSeconds() + "\r\n";
        this.shedKeepAlive = bytes(HttpErrors.error(
                UnpooledByteBufAllocator.DEFAULT,
                503,
                "overloaded",
                "the node is shedding load; retry later",
                true,
                retryAfter));
        this.shedClose = bytes(HttpErrors.error(
                UnpooledByteBufAllocator.DEFAULT,
                503,
                "overloaded",
                "the node is shedding load; retry later",
                false,
                retryAfter));
        Gauge.builder("matstore_connections", open, AtomicInteger::get)
                .description("Open HTTP connections")
                .register(registry);
        refused = Counter.builder("matstore_connections_refused")
                .description("Connections refused over serving.max.connections")
                .register(registry);
        pipeliningCloses = Counter.builder("matstore_connections_closed")
                .tag("reason", "pipelining")
                .description("Connections closed by the node for breaking a limit")
                .register(registry);
        writeTimeouts = Counter.builder("matstore_connections_closed")
                .tag("reason", "write_timeout")
                .description("Connections closed by the node for breaking a limit")
                .register(registry);
        lagPauses = Counter.builder("matstore_shed_read_pauses")
                .description("Connections whose reading was paused after a 503 while the event loops lagged")
                .register(registry);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections) {
            refused.increment();
            if (ctx.pipeline().get(SslHandler.class) != null) {
                ctx.close(); // a 503 would first need a handshake, which costs what the cap is there to save
                return;
            }
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    /** The shedder's 503, composed once: wrapped, not copied or formatted, per answer. */
    ByteBuf shedAnswer(boolean keepAlive) {
        return Unpooled.wrappedBuffer(keepAlive ? shedKeepAlive : shedClose);
    }

    public int open() {
        return open.get();
    }
}
