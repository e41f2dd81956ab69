package io.matstore.bench.serving;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH worker threads that are Netty {@code FastThreadLocalThread}s, like the server's event loops: Netty's pooled
 * allocator and recycler keep their per-thread caches only on such threads, so on a plain JMH thread every pooled
 * buffer would cost ~150 B of bookkeeping that the server never pays. Selected with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.matstore.bench.serving.EventLoopThreadsExecutor}.
 */
public final class EventLoopThreadsExecutor extends ThreadPoolExecutor {
    /** The constructor JMH's CUSTOM executor calls. */
    public EventLoopThreadsExecutor(int maxThreads, String prefix) {
        super(
                maxThreads,
                maxThreads,
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
