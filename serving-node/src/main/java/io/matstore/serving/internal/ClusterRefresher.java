package io.matstore.serving.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.serving.cluster.ClusterSettings;
import io.matstore.serving.cluster.Member;
import io.matstore.serving.cluster.Membership;
import io.matstore.serving.cluster.MoveState;
import io.matstore.serving.cluster.RoutingTable;
import io.matstore.serving.cluster.TopicPartitionCounts;
import io.matstore.store.ResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster side of a node, run every {@code serving.status.refresh.ms} on its own thread (Kafka calls never delay
 * the status refresh): describes what this node holds from the store's last status ({@link Member}), announces it
 * through the {@link Membership} (cluster mode), rebuilds the {@link RoutingTable} that {@code /v1/cluster} serves,
 * and publishes each view's {@link PartitionGuard} for the request path.
 *
 * <p>Moves ({@link io.matstore.serving.cluster.Rebalancer}): a partition added at run time and still loading is
 * announced held but not loaded, and the guard answers it 421 (the table names the cell that has it loaded); a
 * partition the rebalancer released is neither announced nor answered. Each publication is counted in the
 * {@link MoveState}, so the rebalancer drops a released partition only once a guard without it is in place.
 *
 * <p>Standalone (no membership), the table lists this node alone as cell
 * {@value ClusterSettings#STANDALONE_CELL}, generation 1. Without Kafka client settings (embedded use with an
 * in-memory store) partition counts are inferred from the held partitions and nothing is answered 421.
 */
public final class ClusterRefresher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRefresher.class);

    private final ResponseStore store;
    private final List<ViewRoute> routes;
    private final StatusMonitor monitor;
    private final ClusterSettings settings;
    private final Membership membership;
    private final TopicPartitionCounts counts;
    private final BooleanSupplier ready;
    private final LongSupplier clock;
    private final MoveState moves;
    private volatile String nodeId;
    private volatile String url;
    private volatile RoutingTable table;

    /**
     * @param membership null when standalone
     * @param counts     null when the node has no Kafka client settings
     */
    public ClusterRefresher(
            ResponseStore store,
            List<ViewRoute> routes,
            StatusMonitor monitor,
            ClusterSettings settings,
            Membership membership,
            TopicPartitionCounts counts,
            BooleanSupplier ready,
            LongSupplier clock,
            MoveState moves) {
        this.moves = moves;
        this.store = store;
        this.routes = List.copyOf(routes);
        this.monitor = monitor;
        this.settings = settings;
        this.membership = membership;
        this.counts = counts;
        this.ready = ready;
        this.clock = clock;
        this.table = RoutingTable.build(
                settings.name(), membership == null ? 1 : 0, List.of(), List.of(), membership == null);
    }

    /** The table {@code /v1/cluster} serves now. */
    public RoutingTable table() {
        return table;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Who this node is, known once its port is bound; nothing is announced before. */
    public void identify(String id, String advertisedUrl) {
        this.nodeId = id;
        this.url = advertisedUrl;
    }

    @Override
    public void run() {
        if (nodeId == null) {
            return;
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("cluster refresh failed; routing stays as it was: {}", e.toString(), e);
        }
    }

    private void refresh() {
        List<ViewStatus> statuses = monitor.lastStatus();
        java.util.Set<String> firstLoading = new java.util.HashSet<>();
        for (ViewStatus s : statuses) {
            if (!s.loaded()) {
                firstLoading.add(s.view() + "/" + s.version());
            }
        }
        Map<String, Member.ViewHolding> views = new TreeMap<>();
        List<RoutingTable.ServedView> served = new ArrayList<>();
        for (ViewRoute route : routes) {
            ViewReader current = store.current(route.name());
            List<Member.VersionHolding> versions = new ArrayList<>();
            for (ViewStatus s : statuses) {
                if (s.view().equals(route.name())) {
                    versions.add(holding(s));
                }
            }
            versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
            views.put(
                    route.name(),
                    new Member.ViewHolding(
                            current == null ? 0 : current.descriptor().version(), versions));
            if (current != null) {
                ViewDescriptor d = current.descriptor();
                int n = countOf(versions, d.version());
                if (n > 0) {
                    served.add(new RoutingTable.ServedView(d, n));
                }
            }
        }
        Member self = new Member(
                membership == null ? ClusterSettings.STANDALONE_CELL : settings.cellId(),
                nodeId,
                url,
                ready.getAsBoolean(),
                views,
                moves.leaving());
        RoutingTable next;
        if (membership == null) {
            next = RoutingTable.build("", 1, served, List.of(self), true);
        } else {
            membership.offer(self);
            Membership.Snapshot snap = membership.snapshot();
            Collection<Member> live =
                    snap.live(clock.getAsLong(), settings.memberTimeoutMillis()).values();
            next = RoutingTable.build(settings.name(), snap.generation(), served, live, false);
        }
        table = next;
        for (ViewRoute route : routes) {
            route.guard(guard(route.name(), views.get(route.name()), next, firstLoading));
        }
        moves.onPublished();
    }

    private Member.VersionHolding holding(ViewStatus s) {
        String topic = ViewDescriptor.topicOf(s.view(), s.version());
        java.util.Set<Integer> released = moves.released(s.view(), s.version());
        List<Integer> held = new ArrayList<>();
        List<Integer> loaded = new ArrayList<>();
        for (ViewStatus.PartitionStatus p : s.partitions()) {
            if (released.contains(p.partition())) {
                continue;
            }
            held.add(p.partition());
            if (s.loaded() && p.loaded()) {
                loaded.add(p.partition());
            }
        }
        held.sort(null);
        loaded.sort(null);
        int n;
        if (counts != null) {
            n = counts.partitions(topic);
        } else {
            n = held.isEmpty() ? 0 : held.get(held.size() - 1) + 1;
        }
        return new Member.VersionHolding(s.version(), topic, n, held, loaded);
    }

    private static int countOf(List<Member.VersionHolding> versions, int version) {
        for (Member.VersionHolding v : versions) {
            if (v.version() == version) {
                return v.topicPartitions();
            }
        }
        return 0;
    }

    private PartitionGuard guard(
            String name, Member.ViewHolding view, RoutingTable table, java.util.Set<String> firstLoading) {
        if (counts == null || view == null) {
            return PartitionGuard.NONE;
        }
        List<Member.VersionHolding> vs = view.versions();
        int[] versions = new int[vs.size()];
        int[] partitions = new int[vs.size()];
        long[][] held = new long[vs.size()][];
        String[][] owners = new String[vs.size()][];
        for (int i = 0; i < versions.length; i++) {
            Member.VersionHolding v = vs.get(i);
            versions[i] = v.version();
            partitions[i] = v.topicPartitions();
            // a loaded version answers its loaded partitions only (not those still loading after a move); a version
            // in its first load is checked against what it holds, as before
            boolean firstLoad = firstLoading.contains(name + "/" + v.version());
            held[i] = PartitionGuard.bits(firstLoad ? v.held() : v.loaded(), v.topicPartitions());
            owners[i] = v.version() == view.current() ? table.owners().get(name) : null;
        }
        return new PartitionGuard(versions, partitions, held, owners, table.generation());
    }
}
