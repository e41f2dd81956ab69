package io.matstore.client.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The client's I/O threads: native epoll where its library loads (Linux x86_64), Java NIO otherwise. Daemon threads,
 * so that a client an application forgot to close does not keep its JVM alive.
 */
final class EventLoops {
    private static final boolean EPOLL = Epoll.isAvailable();

    private EventLoops() {
    }

    static EventLoopGroup group(int threads) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("matstore-client-io", true), io);
    }

    static Class<? extends SocketChannel> channelClass() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** "epoll" or "nio". */
    static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
