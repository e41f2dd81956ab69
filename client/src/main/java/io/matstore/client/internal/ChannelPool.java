package io.matstore.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The keep-alive HTTP/1.1 connections to one node ({@code http://host:port[/prefix]}, or {@code https://} over TLS:
 * the handshake, with the node's host for SNI and hostname verification, precedes the first request). A request takes an idle
 * connection or opens a new one, owns it until its answer is complete (no pipelining), then gives it back; at most
 * {@code maxIdle} idle connections are kept, the others closed. So the number of connections follows the number of
 * requests in flight to the node, and a steady load reuses the same ones.
 *
 * <p>The idle connections are a stack (the most recently used first, so that a light load keeps few connections
 * warm) behind one monitor: two short critical sections per request and no allocation.
 */
final class ChannelPool {
    /**
     * Why a connection's TLS handshake failed: the handshake can fail and close the connection before the exchange
     * that opened it writes its request, and the exchange must then report that cause (an untrusted certificate, a
     * refused client certificate), not only that the connection closed.
     */
    static final AttributeKey<Throwable> TLS_HANDSHAKE_FAILURE = AttributeKey.valueOf("matstore.tls.handshake.failure");

    private final String base;
    private final String host;
    private final int port;
    private final byte[] prefix;
    private final byte[] hostLine;
    private final Bootstrap bootstrap;
    private final Channel[] idle;
    private int idleCount;
    private boolean closed;

    /** @param tls the context for an {@code https://} base (asked only then) */
    ChannelPool(String base, EventLoopGroup group, int connectTimeoutMillis, int maxIdle, Supplier<SslContext> tls) {
        URI u = URI.create(base);
        boolean https = "https".equalsIgnoreCase(u.getScheme());
        if (!https && !"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("node URL " + base + " is not http[s]://host[:port]");
        }
        this.base = base;
        this.host = u.getHost();
        this.port = u.getPort() < 0 ? https ? 443 : 80 : u.getPort();
        SslContext ssl = https ? tls.get() : null;
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        this.prefix =
                (path.endsWith("/") ? path.substring(0, path.length() - 1) : path).getBytes(StandardCharsets.US_ASCII);
        this.hostLine = (u.getRawAuthority() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.idle = new Channel[maxIdle];
        ChannelPool pool = this;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.channelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            SslHandler tlsHandler = ssl.newHandler(ch.alloc(), host, port);
                            tlsHandler.handshakeFuture().addListener(f -> {
                                if (!f.isSuccess()) {
                                    ch.attr(TLS_HANDSHAKE_FAILURE).set(f.cause());
                                }
                            });
                            ch.pipeline().addLast(tlsHandler);
                        }
                        ch.pipeline().addLast(new HttpResponseDecoder(), new ResponseReader(pool));
                    }
                });
    }

    /** Sends on an idle connection, or on a new one. */
    void send(Exchange ex) {
        Channel ch = takeIdle();
        if (ch != null) {
            ex.sendOn(ch, true);
        } else {
            connect(ex);
        }
    }

    /** Sends on a new connection; a failed connect (refused, timed out) fails the exchange. */
    void connect(Exchange ex) {
        bootstrap.connect(host, port).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                ex.sendOn(f.channel(), false);
            } else {
                ex.fail(connectFailure(f.cause()));
            }
        });
    }

    /** A {@code ConnectException} naming the node, Netty's own (with the errno) as its cause. */
    private Throwable connectFailure(Throwable cause) {
        if (!(cause instanceof ConnectException)) {
            return cause;
        }
        ConnectException e = new ConnectException("cannot connect to " + base + ": " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    /** A connection whose answer is complete and which the node keeps open. */
    void release(Channel ch) {
        synchronized (this) {
            if (!closed && idleCount < idle.length && ch.isActive()) {
                idle[idleCount++] = ch;
                return;
            }
        }
        ch.close();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private Channel takeIdle() {
        synchronized (this) {
            while (idleCount > 0) {
                Channel ch = idle[--idleCount];
                idle[idleCount] = null;
                if (ch.isActive()) {
                    return ch;
                }
            }
            return null;
        }
    }

    void writePrefix(ByteBuf out) {
        out.writeBytes(prefix);
    }

    void writeHostLine(ByteBuf out) {
        out.writeBytes(hostLine);
    }

    /** Closes the idle connections; those in use close with the event loop group. */
    void close() {
        Channel[] toClose;
        synchronized (this) {
            closed = true;
            toClose = java.util.Arrays.copyOf(idle, idleCount);
            java.util.Arrays.fill(idle, null);
            idleCount = 0;
        }
        for (Channel ch : toClose) {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return base;
    }
}
