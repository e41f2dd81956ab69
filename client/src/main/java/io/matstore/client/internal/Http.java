package io.matstore.client.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The client's HTTP/1.1 transport: Netty, one shared event loop group (epoll where available, else NIO), per node a
 * {@link ChannelPool} of keep-alive connections. Requests are written as bytes straight into a pooled buffer (no
 * request object, no String for the lookup path: see {@link Target}); answers are decoded by Netty's
 * {@code HttpResponseDecoder} and their body copied once into a {@code byte[]} that the caller keeps.
 *
 * <p>Every request has a deadline ({@code requestTimeout}, answer included, connecting too); connecting has its own
 * {@code connectTimeout}. Failures come back as the future's exception: {@code ConnectException} (refused, connect
 * timeout), {@code SocketTimeoutException} (deadline), other {@code IOException}s (reset, closed, unreadable); the
 * callers move to another replica on any of them. Answers complete on the event loop: whatever a caller chains on
 * them must not block.
 */
public final class Http implements AutoCloseable {
    public static final String FLATBUFFERS = "application/x-flatbuffers";
    public static final String JSON = "application/json";
    /** Idle connections kept per node. */
    static final int MAX_IDLE = 64;

    private final EventLoopGroup group;
    private final int connectTimeoutMillis;
    private final long requestTimeoutNanos;
    private final ConcurrentHashMap<String, ChannelPool> pools = new ConcurrentHashMap<>();
    private final ClientTls tls;
    /** Built at the first {@code https://} node: a client of plain-text nodes never loads a trust store. */
    private volatile SslContext ssl;

    private volatile boolean closed;

    public Http(Duration connectTimeout, Duration requestTimeout, int ioThreads) {
        this(connectTimeout, requestTimeout, ioThreads, ClientTls.DEFAULT);
    }

    /** @param tls how to reach {@code https://} nodes */
    public Http(Duration connectTimeout, Duration requestTimeout, int ioThreads, ClientTls tls) {
        this.tls = tls;
        this.group = EventLoops.group(ioThreads);
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.requestTimeoutNanos = requestTimeout.toNanos();
    }

    /**
     * A GET to {@code base} (a node's URL, e.g. {@code http://10.0.0.7:8080}) of the target that {@code target}
     * writes.
     */
    public CompletableFuture<Response> get(String base, Target target, String accept) {
        return send(base, target, accept, null, null, requestTimeoutNanos);
    }

    /** {@link #get(String, Target, String)} with a deadline shorter than {@code requestTimeout}, e.g. a call's rest. */
    public CompletableFuture<Response> get(String base, Target target, String accept, long timeoutNanos) {
        return send(base, target, accept, null, null, Math.min(timeoutNanos, requestTimeoutNanos));
    }

    /** The same, conditional: {@code If-None-Match: etag} unless {@code etag} is null. */
    public CompletableFuture<Response> get(String base, Target target, String accept, long timeoutNanos, String etag) {
        return send(base, target, accept, etag, null, Math.min(timeoutNanos, requestTimeoutNanos));
    }

    /**
     * Abandons a request of {@link #get}: its connection is closed (HTTP/1.1 has no other way to cancel) and the
     * future fails with {@code CancellationException}. Nothing when it is already answered.
     */
    public static void abort(CompletableFuture<Response> request) {
        if (request instanceof Exchange ex) {
            ex.abort();
        }
    }

    /** Runs {@code task} on an I/O thread after {@code delayNanos} (hedges); cancelled by {@code close()}. */
    public io.netty.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return group.next().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** A POST of a UTF-8 text body to {@code base + path}, answered in JSON. */
    public CompletableFuture<Response> post(String base, String path, String body) {
        return send(base, new PathTarget(path), JSON, null, body.getBytes(StandardCharsets.UTF_8), requestTimeoutNanos);
    }

    /** A blocking, conditional GET of a JSON document; {@code etag} null for an unconditional one. */
    public Response getDocument(String base, String path, String etag) throws IOException, InterruptedException {
        try {
            return send(base, new PathTarget(path), JSON, etag, null, requestTimeoutNanos)
                    .get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private CompletableFuture<Response> send(
            String base, Target target, String accept, String etag, byte[] body, long timeoutNanos) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        ChannelPool pool = pools.get(base);
        if (pool == null) {
            try {
                pool = pools.computeIfAbsent(
                        base, b -> new ChannelPool(b, group, connectTimeoutMillis, MAX_IDLE, this::sslContext));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Exchange ex = new Exchange(pool, target, accept, etag, body, timeoutNanos);
        pool.send(ex);
        return ex;
    }

    private SslContext sslContext() {
        SslContext c = ssl;
        if (c == null) {
            synchronized (this) {
                c = ssl;
                if (c == null) {
                    c = tls.context();
                    ssl = c;
                }
            }
        }
        return c;
    }

    /**
     * Refuses to block an I/O thread: its answers, this one included, could never arrive.
     *
     * @throws IllegalStateException on a client's I/O thread
     */
    public static void checkMayBlock(String what) {
        if (EventLoops.onIoThread()) {
            throw new IllegalStateException(what + " called on a matstore client I/O thread ("
                    + Thread.currentThread().getName() + "), where it would wait for itself: use the async variant");
        }
    }

    /** "epoll" or "nio". */
    public static String transport() {
        return EventLoops.name();
    }

    /** Closes every connection and stops the I/O threads; requests in flight fail. */
    @Override
    public void close() {
        closed = true;
        pools.values().forEach(ChannelPool::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A fixed target: for the cold paths (routing document, batches). */
    private record PathTarget(String path) implements Target {
        @Override
        public void writeTarget(io.netty.buffer.ByteBuf out) {
            io.netty.buffer.ByteBufUtil.writeAscii(out, path);
        }
    }
}
