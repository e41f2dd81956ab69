package io.matstore.client.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The last handler of a client connection: hands the decoded answer to the {@link Exchange} that owns the
 * connection, releases every buffer it is given, and returns the connection to its pool when the answer is complete
 * and the node keeps the connection open. Bytes arriving with no exchange (e.g. after a timeout) close the connection.
 */
final class ResponseReader extends ChannelInboundHandlerAdapter {
    private final ChannelPool pool;
    /** The exchange that owns the connection; set by its sender, cleared on the event loop. */
    Exchange current;

    ResponseReader(ChannelPool pool) {
        this.pool = pool;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            Exchange ex = current;
            if (ex == null) {
                ctx.close();
                return;
            }
            if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                abandon(
                        ctx,
                        ex,
                        new IOException(
                                "unreadable answer from " + pool + ": "
                                        + o.decoderResult().cause(),
                                o.decoderResult().cause()));
                return;
            }
            if (msg instanceof HttpResponse r && !ex.onHead(r)) {
                abandon(ctx, ex, new IOException(pool + " answered more than " + Exchange.MAX_BODY + " bytes"));
                return;
            }
            if (msg instanceof HttpContent c) {
                if (!ex.onContent(c.content())) {
                    abandon(ctx, ex, new IOException(pool + " answered more than " + Exchange.MAX_BODY + " bytes"));
                    return;
                }
                if (msg instanceof LastHttpContent) {
                    current = null;
                    if (ex.keepAlive()) {
                        pool.release(ctx.channel());
                    } else {
                        ctx.close();
                    }
                    ex.succeed();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange ex = current;
        current = null;
        if (ex != null) {
            ex.onConnectionLost(new IOException("connection to " + pool + " closed before the answer"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange ex = current;
        current = null;
        ctx.close();
        if (ex != null) {
            ex.onConnectionLost(cause);
        }
    }

    private void abandon(ChannelHandlerContext ctx, Exchange ex, IOException cause) {
        current = null;
        ctx.close();
        ex.fail(cause);
    }
}
