package io.matstore.serving.internal.admin;

import io.matstore.serving.ServingConfig;
import io.matstore.serving.internal.TlsMaterial;
import io.matstore.store.VersionedResponseStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: its own socket (loopback by default) and its own threads, so operator commands never run on,
 * or queue behind, the serving event loops. One event-loop thread reads requests and answers status; commands run
 * one at a time, in arrival order, on one command thread, so a long validation delays only other commands.
 *
 * <p>It never runs without a bearer token: with {@code serving.admin.token} empty it makes a random one at start
 * ({@link #token()}), which the node prints, as Jupyter does. Connections idle for {@code serving.idle.timeout.ms}
 * with no command running are closed.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EventLoopGroup group;
    private final ExecutorService commandThread;
    private final Channel channel;
    private final String token;

    private AdminServer(EventLoopGroup group, ExecutorService commandThread, Channel channel, String token) {
        this.group = group;
        this.commandThread = commandThread;
        this.channel = channel;
        this.token = token;
    }

    /**
     * Binds {@code serving.admin.host:serving.admin.port}.
     *
     * @param afterChange run after a command changed what the node holds (refreshes the serving status at once)
     */
    public static AdminServer start(VersionedResponseStore store, ServingConfig config, Runnable afterChange) {
        return start(store, config, afterChange, null);
    }

    /** @param tls the listener's TLS (the HTTP listener's material), or null for plain text */
    public static AdminServer start(
            VersionedResponseStore store, ServingConfig config, Runnable afterChange, TlsMaterial tls) {
        AdminCommands commands = new AdminCommands(store, afterChange);
        String token = config.adminToken() != null ? config.adminToken() : generateToken();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService commandThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "matstore-admin-commands");
            t.setDaemon(true);
            return t;
        });
        try {
            // a fixed port is known before binding; a picked one (port 0) only after, but then no client knows it yet
            AdminOrigins[] origins = {
                config.adminPort() == 0
                        ? null
                        : new AdminOrigins(config.adminHost(), config.adminPort(), config.adminAllowedHosts())
            };
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline()
                                    .addLast(
                                            new IdleStateHandler(
                                                    0, 0, config.idleTimeoutMillis(), TimeUnit.MILLISECONDS),
                                            new HttpRequestDecoder(),
                                            new HttpResponseEncoder(),
                                            new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                            new AdminHandler(commands, commandThread, token, origins[0]));
                            if (tls != null) {
                                tls.addTo(c.pipeline(), c.alloc());
                            }
                        }
                    })
                    .bind(config.adminHost(), config.adminPort())
                    .syncUninterruptibly()
                    .channel();
            if (origins[0] == null) {
                origins[0] = new AdminOrigins(
                        config.adminHost(),
                        ((InetSocketAddress) ch.localAddress()).getPort(),
                        config.adminAllowedHosts());
            }
            return new AdminServer(group, commandThread, ch, token);
        } catch (RuntimeException e) {
            commandThread.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** 32 random bytes, URL-safe Base64. */
    private static String generateToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The bearer token requests must carry (configured or generated). */
    public String token() {
        return token;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        // A command in progress (a validation waiting for catch-up) is interrupted and answers 503 "shutting down";
        // one that does not wait (a key scan, deleting a retired version's files) finishes first: the store it uses
        // is closed after this returns.
        commandThread.shutdownNow();
        try {
            if (!commandThread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("an admin command is still running after 30 s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
