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
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * The client's I/O threads: native epoll where its library loads (Linux x86_64), Java NIO otherwise. Daemon threads,
 * so that a client an application forgot to close does not keep its JVM alive.
 */
final class EventLoops {
    private static final boolean EPOLL = Epoll.isAvailable();

    private EventLoops() {}

    static EventLoopGroup group(int threads) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new IoThreadFactory(), io);
    }

    /** Whether the calling thread is an I/O thread of a matstore client (where nothing may block). */
    static boolean onIoThread() {
        return Thread.currentThread() instanceof IoThread;
    }

    private static final class IoThread extends FastThreadLocalThread {
        IoThread(ThreadGroup group, Runnable r, String name) {
            super(group, r, name);
        }
    }

    private static final class IoThreadFactory extends DefaultThreadFactory {
        IoThreadFactory() {
            super("matstore-client-io", true);
        }

        @Override
        protected Thread newThread(Runnable r, String name) {
            return new IoThread(threadGroup, r, name);
        }
    }

    static Class<? extends SocketChannel> channelClass() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** "epoll" or "nio". */
    static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
