package io.matstore.serving.internal;

import io.matstore.serving.ServingConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Each connection's pipeline: flush consolidation (one flush per read burst), the connection cap, idle/read timers,
 * the {@link ShedGate} when a loop signal is on, progress mark and request deadline, the HTTP/1.1
 * request decoder with the configured limits, our handler (with the connection's {@link ResponseBacklog}). No
 * response encoder: responses are written as composed bytes.
 */
public final class ServerChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final NodeContext node;
    private final ConnectionLimits limits;
    private final TlsMaterial tls;

    /** @param tls the listener's TLS, or null for plain text */
    public ServerChannelInitializer(NodeContext node, ConnectionLimits limits, TlsMaterial tls) {
        this.node = node;
        this.limits = limits;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ServingConfig c = node.config();
        RequestProgress progress = new RequestProgress(c.requestTimeoutMillis());
        ChannelPipeline p = ch.pipeline();
        p.addLast("limits", limits);
        p.addLast("idle", new IdleStateHandler(c.readTimeoutMillis(), 0, c.idleTimeoutMillis(), TimeUnit.MILLISECONDS));
        ResponseBacklog backlog = new ResponseBacklog(
                c.maxPipelinedRequests(),
                c.writeTimeoutMillis(),
                limits,
                node.shedder().lag());
        ShedGate gate = null;
        if (node.shedder().hasLoopSignal()) {
            // before progress and the decoder: a request it sheds is never seen as started
            gate = new ShedGate(
                    node.shedder(), limits, node.metrics(), c.maxInitialLineBytes() + c.maxHeaderBytes(), backlog);
            p.addLast("gate", gate);
        }
        p.addLast("progress", progress);
        p.addLast(
                "decoder",
                new HttpRequestDecoder(new HttpDecoderConfig()
                        .setMaxInitialLineLength(c.maxInitialLineBytes())
                        .setMaxHeaderSize(c.maxHeaderBytes())
                        .setMaxChunkSize(c.maxBodyBytes())));
        p.addLast("handler", new HttpHandler(node, progress, backlog, gate));
        // Flush once per read burst, not once per response: pipelined requests decoded from one socket read are
        // answered with one write(2) instead of one each (Netty's handler; it flushes at channelReadComplete). The
        // forced flush every maxPipelined/2 responses keeps ResponseBacklog's count of unflushed responses below
        // its cap, which would otherwise pause reading, or close the connection, on a deep burst.
        p.addFirst("flush", new FlushConsolidationHandler(Math.max(1, c.maxPipelinedRequests() / 2), false));
        if (tls != null) {
            tls.addTo(p, ch.alloc());
        }
    }
}
