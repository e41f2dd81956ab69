package io.matstore.serving.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The event-loop transport ({@code serving.transport}): {@code auto} takes epoll where its native library loads, else
 * NIO; {@code io_uring} is used only when asked (younger, and kernels restrict it in some containers); an explicit
 * native choice that cannot load fails the start with Netty's reason.
 */
public record Transport(String name, IoHandlerFactory io, Class<? extends ServerChannel> serverChannel) {

    public static Transport choose(String setting) {
        switch (setting) {
            case "nio":
                return nio();
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException(
                            "serving.transport=epoll but epoll is unavailable: " + Epoll.unavailabilityCause());
                }
                return epoll();
            case "io_uring":
                if (!IoUring.isAvailable()) {
                    throw new IllegalStateException(
                            "serving.transport=io_uring but io_uring is unavailable: " + IoUring.unavailabilityCause());
                }
                return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class);
            default:
                return Epoll.isAvailable() ? epoll() : nio();
        }
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
