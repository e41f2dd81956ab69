package io.matstore.serving.cluster;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Make-before-break moves of partitions between cells, run on its own thread (never the request path, never the
 * refresher's: a drop scans the version's keys). Each run compares what this node holds of each view's current
 * version with what rendezvous hashing ({@link Assignment}) gives its cell among the live cells that are not leaving:
 * <pre>
 *   assigned, not held          → store.addPartitions: loads from offset 0, announced held, then loaded
 *   held, assigned elsewhere    → keep answering until every live node of the new owner cell announces it loaded
 *                                 and that has held for cluster.move.grace.ms; then release it (no longer
 *                                 announced, answered 421 naming the new owner)
 *   released, guard published   → store.dropPartitions (unless leaving: a leaving node keeps its files)
 * </pre>
 * Invariant: a partition is released only when another cell's nodes have it loaded, so no partition is ever without
 * a loaded owner while some node holds it loaded. Until the membership topic is read and one heartbeat has passed
 * (and this node's own entry is seen), it does nothing: a node that saw only itself would claim every partition.
 *
 * <p>Leaving ({@link #leave}): the node announces {@code leaving}; once every live node of its cell is leaving, the
 * cell drops out of the assignment, the other cells load its partitions, and this node releases each one after the
 * grace period. {@link #drained} opens when nothing is left to release.
 */
public final class Rebalancer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

    private final VersionedResponseStore store;
    private final List<String> views;
    private final Membership membership;
    private final ClusterSettings settings;
    private final MoveState moves;
    private final ToIntFunction<String> partitionCounts;
    private final String nodeId;
    private final LongSupplier clock;
    /** When the new owner was first seen to have a partition loaded, by "view/version/partition". */
    private final Map<String, Long> handedOverSince = new HashMap<>();
    /** The refresher's publication count when a partition was released, by "view/version/partition". */
    private final Map<String, Long> releasedAt = new HashMap<>();

    private final CountDownLatch drained = new CountDownLatch(1);
    private long settledAt;

    /**
     * @param partitionCounts partition count of a topic (0 or less: unknown yet)
     */
    public Rebalancer(
            VersionedResponseStore store,
            List<String> views,
            Membership membership,
            MoveState moves,
            ToIntFunction<String> partitionCounts,
            String nodeId,
            LongSupplier clock) {
        this.store = store;
        this.views = List.copyOf(views);
        this.membership = membership;
        this.settings = membership.settings();
        this.moves = moves;
        this.partitionCounts = partitionCounts;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /** Starts handing everything over; see {@link #drained}. */
    public void leave() {
        moves.leave();
        LOG.info("node {} of cell {} is leaving: handing its partitions over", nodeId, settings.cellId());
    }

    /** Opens once the node is leaving and has released every partition it held (others have them loaded). */
    public CountDownLatch drained() {
        return drained;
    }

    @Override
    public void run() {
        try {
            rebalance();
        } catch (RuntimeException e) {
            LOG.warn("rebalancing failed; trying again at the next run: {}", e.toString(), e);
        }
    }

    private void rebalance() {
        if (!caughtUp()) {
            return;
        }
        long now = clock.getAsLong();
        if (settledAt == 0) {
            settledAt = now + settings.heartbeatMillis();
        }
        Map<String, Member> live = membership.live();
        Member self = live.get(nodeId);
        if (now < settledAt || self == null) {
            return;
        }
        Set<String> targets = new TreeSet<>();
        for (Member m : live.values()) {
            targets.add(m.cell());
        }
        targets.removeAll(RoutingTable.leavingCells(live.values()));
        if (moves.leaving()) {
            targets.remove(settings.cellId()); // even while the rest of the cell stays: this node hands over
            targets.addAll(staying(live, settings.cellId()));
        }
        if (targets.isEmpty()) {
            if (moves.leaving()) {
                drained.countDown(); // no one to hand over to (the last cell leaving): nothing to wait for
            }
            return;
        }
        boolean allReleased = true;
        for (String view : views) {
            ViewReader current = store.current(view);
            if (current != null) {
                allReleased &= rebalance(current.descriptor(), targets, live, now);
            }
        }
        if (moves.leaving() && allReleased) {
            drained.countDown();
        }
    }

    private boolean caughtUp() {
        try {
            return membership.awaitCaughtUp(java.time.Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** This node's cell when other nodes of it stay (a replica leaving alone hands over to its own cell). */
    private Set<String> staying(Map<String, Member> live, String cell) {
        for (Member m : live.values()) {
            if (m.cell().equals(cell) && !m.leaving() && !m.node().equals(nodeId)) {
                return Set.of(cell);
            }
        }
        return Set.of();
    }

    /** @return whether every partition held is released */
    private boolean rebalance(ViewDescriptor d, Set<String> targets, Map<String, Member> live, long now) {
        int n = partitionCounts.applyAsInt(d.topic());
        ViewStatus status = store.status(d.name(), d.version());
        if (n <= 0 || status == null) {
            return false;
        }
        Set<Integer> held = new TreeSet<>();
        for (ViewStatus.PartitionStatus p : status.partitions()) {
            held.add(p.partition());
        }
        Set<Integer> released = moves.released(d.name(), d.version());
        Set<Integer> add = new TreeSet<>();
        Set<Integer> drop = new TreeSet<>();
        boolean allReleased = true;
        for (int p = 0; p < n; p++) {
            String key = d.name() + "/" + d.version() + "/" + p;
            String owner = Assignment.owner(targets, d.topic(), p);
            boolean mine = !moves.leaving() && settings.cellId().equals(owner);
            if (mine) {
                handedOverSince.remove(key);
                releasedAt.remove(key);
                if (released.contains(p)) {
                    moves.unrelease(d.name(), d.version(), p);
                }
                if (!held.contains(p)) {
                    add.add(p);
                }
            } else if (held.contains(p) && released.contains(p)) {
                Long at = releasedAt.get(key);
                if (at != null && moves.publications() > at + 1 && !moves.leaving()) {
                    drop.add(p);
                }
            } else if (held.contains(p)) {
                allReleased = false;
                if (handedOver(live, owner, d, p)) {
                    long since = handedOverSince.computeIfAbsent(key, k -> now);
                    if (now - since >= settings.moveGraceMillis()) {
                        moves.release(d.name(), d.version(), p);
                        releasedAt.put(key, moves.publications());
                        handedOverSince.remove(key);
                        LOG.info(
                                "released partition {} of {}: cell {} has it loaded for {} ms",
                                p,
                                d.topic(),
                                owner,
                                now - since);
                    }
                } else {
                    handedOverSince.remove(key);
                }
            }
        }
        if (!add.isEmpty()) {
            LOG.info("cell {} now owns partitions {} of {}: loading them", settings.cellId(), add, d.topic());
            store.addPartitions(d.name(), d.version(), add);
        }
        Set<Integer> keep = new TreeSet<>(held);
        keep.removeAll(drop);
        if (!drop.isEmpty() && !keep.isEmpty()) {
            LOG.info("dropping partitions {} of {}, handed over", drop, d.topic());
            store.dropPartitions(d.name(), d.version(), drop, n);
        }
        return allReleased;
    }

    /** Whether every live node of {@code cell} that is staying (at least one) has {@code p} loaded. */
    private boolean handedOver(Map<String, Member> live, String cell, ViewDescriptor d, int p) {
        int loaded = 0;
        for (Member m : live.values()) {
            if (!m.cell().equals(cell) || m.leaving() || m.node().equals(nodeId)) {
                continue;
            }
            Member.VersionHolding h = m.holding(d.name(), d.version());
            if (h == null || !h.loaded().contains(p)) {
                return false;
            }
            loaded++;
        }
        return loaded > 0;
    }
}
