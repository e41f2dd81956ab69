package io.matstore.store.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority (its Linux nice value) so that background work yields to the serving
 * threads on the same cores: the JDK has no API for it ({@code Thread.setPriority} is ignored on Linux unless the
 * whole JVM runs with {@code -XX:ThreadPriorityPolicy=1}, which warns when not root). On Linux a thread is a task
 * with a nice of its own, set by {@code setpriority(PRIO_PROCESS, 0, nice)} from the thread itself; threads it
 * starts inherit it. Raising it needs no privilege, lowering it back does: a thread lowered stays so. On other
 * systems this does nothing; on Linux, a failed call is logged once.
 */
final class ThreadNice {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadNice.class);
    private static final int PRIO_PROCESS = 0;
    private static final LibC LIBC = load();
    private static volatile boolean warned;

    private ThreadNice() {}

    /** The C library function, bound by JNA. */
    interface LibC extends Library {
        int setpriority(int which, int who, int prio);
    }

    /**
     * Sets the calling thread's nice value to {@code nice} (0-19) unless it is 0.
     *
     * @return whether it was set
     */
    static boolean lowerCurrentThread(int nice) {
        if (nice == 0 || LIBC == null) {
            return false;
        }
        try {
            // who = 0 is the calling thread itself: Linux keeps a nice value per thread (setpriority(2), "BUGS")
            if (LIBC.setpriority(PRIO_PROCESS, 0, nice) == 0) {
                return true;
            }
            warnOnce("setpriority failed with errno " + Native.getLastError()
                    + " (the value is absolute: a process already niced above it cannot go back)");
        } catch (RuntimeException | LinkageError e) {
            warnOnce(e.toString());
        }
        return false;
    }

    private static LibC load() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return Native.load("c", LibC.class);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn(
                    "background threads keep the serving threads' priority: cannot bind setpriority ({})",
                    e.toString());
            return null;
        }
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.warn("background threads keep the serving threads' priority: {}", why);
        }
    }
}
