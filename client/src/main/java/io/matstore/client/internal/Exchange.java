package io.matstore.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request and its answer on one keep-alive connection; it is its own future (one object per request) and its
 * own deadline task.
 *
 * <pre>
 *   pool.send ──► sendOn(channel) ──► request bytes written ──► onHead ──► onContent* ──► succeed
 *                      │                                     │
 *                      └── deadline passes ─► run(): the connection is closed (an answer may still come)
 *                                                  and the future fails with SocketTimeoutException
 *   connection lost before the head, on a reused connection: sent once more on a new connection (the node
 *   closed an idle keep-alive connection as it was taken); otherwise the future fails with the cause.
 * </pre>
 * Every step from {@code sendOn} on runs on the connection's event loop (a caller's thread hands the sending over
 * as a task), so that taking the connection, a close reported by the node and the answer are seen in one order.
 */
final class Exchange extends CompletableFuture<Response> implements Runnable {
    static final long MAX_BODY = 64L << 20;
    private static final byte[] GET = ascii("GET ");
    private static final byte[] POST = ascii("POST ");
    private static final byte[] VERSION_HOST = ascii(" HTTP/1.1\r\nHost: ");
    private static final byte[] ACCEPT = ascii("Accept: ");
    private static final byte[] ACCEPT_FLATBUFFERS = ascii("Accept: " + Http.FLATBUFFERS + "\r\n");
    private static final byte[] ACCEPT_JSON = ascii("Accept: " + Http.JSON + "\r\n");
    private static final byte[] IF_NONE_MATCH = ascii("If-None-Match: ");
    private static final byte[] TEXT_BODY = ascii("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] EMPTY = new byte[0];

    private final ChannelPool pool;
    private final Target target;
    private final String accept;
    private final String etag;
    private final byte[] body;
    private final long deadlineNanos;
    private final long timeoutMillis;
    private volatile Channel channel;
    private ScheduledFuture<?> deadline;
    private boolean reused;
    private boolean resent;
    private boolean headReceived;
    private int status;
    private HttpHeaders headers;
    private boolean keepAlive;
    private byte[] received;
    private int length;

    /** {@code body} null for a GET. */
    Exchange(ChannelPool pool, Target target, String accept, String etag, byte[] body, long timeoutNanos) {
        this.pool = pool;
        this.target = target;
        this.accept = accept;
        this.etag = etag;
        this.body = body;
        this.timeoutMillis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        this.deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /** Writes the request on {@code ch}, which this exchange now owns until the answer's last byte. */
    void sendOn(Channel ch, boolean reusedConnection) {
        if (ch.eventLoop().inEventLoop()) {
            send(ch, reusedConnection);
        } else {
            ch.eventLoop().execute(() -> send(ch, reusedConnection));
        }
    }

    private void send(Channel ch, boolean reusedConnection) {
        if (isDone()) { // aborted while the connection was being taken or opened
            ch.close();
            return;
        }
        channel = ch;
        reused = reusedConnection;
        if (!ch.isActive() || !(ch.pipeline().last() instanceof ResponseReader reader)) {
            Throwable handshake = ch.attr(ChannelPool.TLS_HANDSHAKE_FAILURE).get();
            onConnectionLost(new IOException(
                    "connection to " + pool + " closed before the request"
                            + (handshake == null ? "" : ": TLS handshake failed: " + handshake),
                    handshake));
            return;
        }
        reader.current = this;
        long left = deadlineNanos - System.nanoTime();
        ScheduledFuture<?> previous = deadline;
        if (previous != null) {
            previous.cancel(false);
        }
        deadline = ch.eventLoop().schedule(this, Math.max(0, left), TimeUnit.NANOSECONDS);
        ByteBuf out = ch.alloc().buffer(body == null ? 256 : 256 + body.length);
        out.writeBytes(body == null ? GET : POST);
        pool.writePrefix(out);
        target.writeTarget(out);
        out.writeBytes(VERSION_HOST);
        pool.writeHostLine(out);
        if (Http.FLATBUFFERS.equals(accept)) {
            out.writeBytes(ACCEPT_FLATBUFFERS);
        } else if (Http.JSON.equals(accept)) {
            out.writeBytes(ACCEPT_JSON);
        } else {
            out.writeBytes(ACCEPT);
            ByteBufUtil.writeAscii(out, accept);
            out.writeBytes(CRLF);
        }
        if (etag != null) {
            out.writeBytes(IF_NONE_MATCH);
            ByteBufUtil.writeAscii(out, etag);
            out.writeBytes(CRLF);
        }
        if (body != null) {
            out.writeBytes(TEXT_BODY);
            ByteBufUtil.writeAscii(out, Integer.toString(body.length));
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        if (body != null) {
            out.writeBytes(body);
        }
        // A failed write fires exceptionCaught, which ends this exchange (ResponseReader).
        ch.writeAndFlush(out, ch.voidPromise());
    }

    /** The deadline passed: the connection cannot be reused (its answer may still come), so it is closed. */
    @Override
    public void run() {
        if (isDone()) {
            return;
        }
        Channel ch = channel;
        if (ch.pipeline().last() instanceof ResponseReader reader && reader.current == this) {
            reader.current = null;
        }
        ch.close();
        completeExceptionally(new SocketTimeoutException("no answer from " + pool + " in " + timeoutMillis + " ms"));
    }

    /** See {@link Http#abort}. */
    void abort() {
        Channel ch = channel;
        if (ch == null) {
            completeExceptionally(new CancellationException("abandoned before it was sent to " + pool));
            return;
        }
        ch.eventLoop().execute(() -> {
            if (isDone()) {
                return;
            }
            if (ch.pipeline().last() instanceof ResponseReader reader && reader.current == this) {
                reader.current = null;
            }
            deadline.cancel(false);
            ch.close();
            completeExceptionally(new CancellationException("abandoned: another replica answered first"));
        });
    }

    /** @return false when the answer is larger than {@link #MAX_BODY} */
    boolean onHead(HttpResponse r) {
        headReceived = true;
        status = r.status().code();
        headers = r.headers();
        keepAlive = HttpUtil.isKeepAlive(r);
        long contentLength = HttpUtil.getContentLength(r, -1L);
        if (contentLength > MAX_BODY) {
            return false;
        }
        received = contentLength == 0 ? EMPTY : new byte[contentLength > 0 ? (int) contentLength : 1024];
        return true;
    }

    /** Copies a part of the body: the only copy of the answer's bytes. @return false past {@link #MAX_BODY} */
    boolean onContent(ByteBuf content) {
        int n = content.readableBytes();
        if (n == 0) {
            return true;
        }
        if (length + (long) n > MAX_BODY) {
            return false;
        }
        if (length + n > received.length) {
            received = Arrays.copyOf(received, Math.max(length + n, received.length * 2));
        }
        content.getBytes(content.readerIndex(), received, length, n);
        length += n;
        return true;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    void succeed() {
        deadline.cancel(false);
        complete(new Response(status, headers, length == received.length ? received : Arrays.copyOf(received, length)));
    }

    void fail(Throwable cause) {
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
        completeExceptionally(cause);
    }

    /**
     * The connection closed or failed while this exchange owned it. A reused connection that dies before any answer
     * was most likely closed idle by the node as it was taken: the request is sent once more on a new connection
     * (every request of this client is a read, so sending it twice is harmless).
     */
    void onConnectionLost(Throwable cause) {
        if (isDone()) {
            return;
        }
        if (reused && !headReceived && !resent && !pool.isClosed()) {
            resent = true;
            pool.connect(this);
            return;
        }
        fail(
                cause instanceof IOException
                        ? cause
                        : new IOException("connection to " + pool + " failed: " + cause, cause));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
