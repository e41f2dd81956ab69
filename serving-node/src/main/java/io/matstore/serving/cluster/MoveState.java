package io.matstore.serving.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the {@link Rebalancer} has decided and the node's cluster refresher must show, shared by the two threads:
 * the partitions released (handed over: no longer announced, and answered 421 naming the new owner), whether the
 * node is leaving, and how many times the refresher has published announcements and guards (so a partition is
 * dropped only after a guard without it was in place).
 */
public final class MoveState {
    private final ConcurrentHashMap<String, Set<Integer>> released = new ConcurrentHashMap<>();
    private final AtomicLong publications = new AtomicLong();
    private volatile boolean leaving;

    private static String key(String view, int version) {
        return view + "/" + version;
    }

    /** Partitions of a view version this node no longer announces nor answers (empty: none). */
    public Set<Integer> released(String view, int version) {
        return released.getOrDefault(key(view, version), Set.of());
    }

    void release(String view, int version, int partition) {
        released.compute(key(view, version), (k, s) -> {
            java.util.Set<Integer> next = new java.util.TreeSet<>(s == null ? Set.of() : s);
            next.add(partition);
            return Set.copyOf(next);
        });
    }

    void unrelease(String view, int version, int partition) {
        released.computeIfPresent(key(view, version), (k, s) -> {
            java.util.Set<Integer> next = new java.util.TreeSet<>(s);
            next.remove(partition);
            return Set.copyOf(next);
        });
    }

    /** Whether the node is handing everything over before it stops. */
    public boolean leaving() {
        return leaving;
    }

    void leave() {
        leaving = true;
    }

    /** Called by the refresher after it published an announcement and the request path's guards. */
    public void onPublished() {
        publications.incrementAndGet();
    }

    long publications() {
        return publications.get();
    }
}
