package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's responses that are written but not yet taken by its socket, and the backpressure on them: the
 * node stops reading the connection's requests while it holds {@code serving.max.pipelined.requests} such responses
 * or more bytes than the high write-buffer watermark, and resumes when both are back under (low watermark). A client
 * that pipelines requests and never reads thus costs a bounded amount of memory: what one socket read already
 * decoded beyond the cap closes the connection (it cannot be read any more slowly), and a connection paused with no
 * write completing for {@code serving.write.timeout.ms} is closed too.
 *
 * <p>It also stops reading a connection that was just shed while the event loops lag ({@link LoopLag#overloaded}),
 * and resumes it at the first interval end at which they no longer do: a 503 costs the loop a read, a parse and a
 * write almost like an answer, so while the loop is short of CPU the cheapest shed is the one it never reads; the
 * requests wait in the socket buffers and the kernel's flow control slows the client. Reading resumes only when
 * neither reason holds.
 *
 * <p>Event loop only. Nothing is allocated per response: the write listener is one per connection, and the timer
 * is armed once per pause, not per write.
 */
final class ResponseBacklog {
    private final int maxPending;
    private final long writeTimeoutNanos;
    private final ConnectionLimits limits;
    private final Runnable checkStall = this::checkStall;
    private Channel channel;
    private int pending;
    private boolean paused;
    private long lastProgressNanos;
    private ScheduledFuture<?> timer;
    /** Reading paused after a shed while the loops lag; null lag: never. */
    private final LoopLag lag;

    private final Runnable checkLag = this::checkLag;
    private boolean lagPaused;
    private ScheduledFuture<?> lagTimer;

    ResponseBacklog(int maxPending, long writeTimeoutMillis, ConnectionLimits limits) {
        this(maxPending, writeTimeoutMillis, limits, null);
    }

    /** @param lag the event loops' lag, or null to never pause a shed connection */
    ResponseBacklog(int maxPending, long writeTimeoutMillis, ConnectionLimits limits, LoopLag lag) {
        this.lag = lag;
        this.maxPending = maxPending;
        this.writeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(writeTimeoutMillis);
        this.limits = limits;
    }

    /**
     * Whether one more request may be answered. False only when the cap is reached while reading is already
     * paused, that is for requests that arrived in the same read as the one that reached it.
     */
    boolean admit(Channel ch) {
        if (pending < maxPending) {
            return true;
        }
        limits.pipeliningCloses.increment();
        ch.close();
        return false;
    }

    /** A response is about to be written. */
    void onWrite(Channel ch) {
        pending++;
        if (pending >= maxPending) {
            pause(ch);
        }
    }

    /** Listener of every response write (success or failure). */
    final ChannelFutureListener written = f -> onWritten(f.channel());

    void onWritten(Channel ch) {
        pending--;
        lastProgressNanos = System.nanoTime();
        resumeIfClear(ch);
    }

    void onWritabilityChanged(Channel ch) {
        if (ch.isWritable()) {
            resumeIfClear(ch);
        } else {
            pause(ch);
        }
    }

    private void pause(Channel ch) {
        if (paused) {
            return;
        }
        paused = true;
        channel = ch;
        lastProgressNanos = System.nanoTime();
        ch.config().setAutoRead(false);
        if (timer == null) {
            timer = ch.eventLoop().schedule(checkStall, writeTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void resumeIfClear(Channel ch) {
        if (paused && pending < maxPending && ch.isWritable()) {
            paused = false;
            if (!lagPaused) {
                ch.config().setAutoRead(true);
            }
        }
    }

    /** A request of this connection was just shed (503): stop reading it while the loops lag. */
    void onShed(Channel ch) {
        if (lag == null || lagPaused || !lag.overloaded()) {
            return;
        }
        lagPaused = true;
        channel = ch;
        limits.lagPauses.increment();
        ch.config().setAutoRead(false);
        lagTimer = ch.eventLoop().schedule(checkLag, lag.intervalNanos(), TimeUnit.NANOSECONDS);
    }

    private void checkLag() {
        lagTimer = null;
        if (!lagPaused || !channel.isActive()) {
            return;
        }
        if (lag.overloaded()) {
            lagTimer = channel.eventLoop().schedule(checkLag, lag.intervalNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        lagPaused = false;
        if (!paused) {
            channel.config().setAutoRead(true);
        }
    }

    private void checkStall() {
        timer = null;
        if (!paused || !channel.isActive()) {
            return;
        }
        long stalled = System.nanoTime() - lastProgressNanos;
        if (stalled >= writeTimeoutNanos) {
            limits.writeTimeouts.increment();
            channel.close();
        } else {
            timer = channel.eventLoop().schedule(checkStall, writeTimeoutNanos - stalled, TimeUnit.NANOSECONDS);
        }
    }

    /** Open connections of the node, for the shedder's fair share. */
    int openConnections() {
        return limits.open();
    }

    /** The precomposed 503 overloaded. */
    ByteBuf shedAnswer(boolean keepAlive) {
        return limits.shedAnswer(keepAlive);
    }

    /** The connection closed: no timer outlives it. */
    void onClosed() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (lagTimer != null) {
            lagTimer.cancel(false);
            lagTimer = null;
        }
    }
}
