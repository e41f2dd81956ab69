package io.matstore.serving.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sits in front of the HTTP decoder and notes when a request's first bytes arrived, so that
 * <ul>
 *   <li>the read timeout can tell a connection idling between requests (fine until the idle timeout) from one that
 *       stopped halfway through a request (408 after the read timeout), and</li>
 *   <li>a request must be whole within {@code serving.request.timeout.ms} of its first bytes however they trickle
 *       in: an idle timer is reset by every byte, this deadline is not (slowloris). When it passes, {@link #DEADLINE}
 *       goes up the pipeline and the handler answers 408.</li>
 * </ul>
 * The request handler clears the mark when a request is complete. A request that arrives whole in one read never
 * arms the timer; one that does not arms it once, and it is re-armed only while requests stay incomplete, so a
 * keep-alive connection costs one timer per deadline period at most.
 *
 * <p>Bytes of the next request read together with the end of the previous one start its clock only at the next
 * read: the decoder does not say whether it holds a partial request, so a trickling client gains one gap at most.
 */
public final class RequestProgress extends ChannelInboundHandlerAdapter {
    /** User event: the request under way has not arrived whole within the deadline. */
    public static final Object DEADLINE = new Object() {
        @Override
        public String toString() {
            return "request deadline";
        }
    };

    private static final long NONE = Long.MIN_VALUE;

    private final long deadlineNanos;
    private long startNanos = NONE;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private final Runnable check = this::check;

    public RequestProgress(long deadlineMillis) {
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (startNanos == NONE) {
            startNanos = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (startNanos != NONE && timer == null) {
            timer = ctx.executor()
                    .schedule(check, deadlineNanos - (System.nanoTime() - startNanos), TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }

    private void check() {
        timer = null;
        if (startNanos == NONE || !ctx.channel().isActive()) {
            return;
        }
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed >= deadlineNanos) {
            ctx.fireUserEventTriggered(DEADLINE);
        } else {
            timer = ctx.executor().schedule(check, deadlineNanos - elapsed, TimeUnit.NANOSECONDS);
        }
    }

    boolean partial() {
        return startNanos != NONE;
    }

    void complete() {
        startNanos = NONE;
    }
}
