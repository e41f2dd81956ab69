package io.matstore.serving.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits in front of the HTTP decoder and notes that request bytes have arrived, so the read timeout can tell a
 * connection idling between requests (fine until the idle timeout) from one that stopped halfway through a request
 * (408 after the read timeout). The request handler clears the mark when a request is complete.
 */
public final class RequestProgress extends ChannelInboundHandlerAdapter {
    private boolean partial;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        partial = true;
        ctx.fireChannelRead(msg);
    }

    boolean partial() {
        return partial;
    }

    void complete() {
        partial = false;
    }
}
