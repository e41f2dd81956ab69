package io.matstore.launcher;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.serving.ServingNode;
import io.matstore.serving.cluster.Assignment;
import io.matstore.serving.cluster.ClusterSettings;
import io.matstore.serving.cluster.Membership;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreSettings;
import io.matstore.store.VersionedResponseStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Opens a serving node's store and makes sure it holds a view: a store that already holds a current version (a
 * restart) keeps it; an empty one starts ingesting the configured version on the owned partitions and serves it.
 * Owned partitions: {@code store.partitions} when set; else, in cluster mode, those rendezvous hashing gives the
 * node's cell among the cells in the membership once it has settled; else all of the topic's. From then on, in
 * cluster mode without the override, the node's {@code Rebalancer} ({@code ServingNode.startMoves}) moves partitions
 * when cells join or leave.
 */
final class StoreBootstrap {
    private StoreBootstrap() {}

    /** @param registry where the store's meters go: the serving node's, so its /metrics shows them */
    static VersionedResponseStore open(StoreSettings settings, List<ViewDescriptor> views, MeterRegistry registry) {
        VersionedResponseStore store = ResponseStores.open(settings.storeConfig(), registry);
        try {
            for (ViewDescriptor view : views) {
                if (store.current(view.name()) == null) {
                    store.addVersion(view, ownedPartitions(settings, view.topic()));
                    store.makeCurrent(view.name(), view.version());
                }
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * For a node already started (announcing itself when clustered): makes an empty store hold {@code view} on the
     * partitions this node owns, and serve it.
     */
    static void ensureServing(
            VersionedResponseStore store,
            StoreSettings settings,
            ViewDescriptor view,
            ServingNode node,
            ClusterSettings cluster)
            throws InterruptedException {
        if (store.current(view.name()) != null) {
            return;
        }
        Membership membership = node.membership();
        Set<Integer> partitions;
        if (membership == null || !settings.partitions().isEmpty()) {
            partitions = ownedPartitions(settings, view.topic());
        } else {
            int count = allPartitions(settings, view.topic()).size();
            Set<String> cells = membership.settledCells(cluster.cellId(), Duration.ofSeconds(60));
            partitions = Assignment.partitionsOf(cluster.cellId(), cells, view.topic(), count);
            System.out.println("cell " + cluster.cellId() + " of cells " + cells + " owns partitions " + partitions
                    + " of " + view.topic());
        }
        store.addVersion(view, partitions);
        store.makeCurrent(view.name(), view.version());
    }

    private static Set<Integer> ownedPartitions(StoreSettings settings, String topic) {
        if (!settings.partitions().isEmpty()) {
            return new TreeSet<>(settings.partitions());
        }
        return allPartitions(settings, topic);
    }

    private static Set<Integer> allPartitions(StoreSettings settings, String topic) {
        try (Admin admin = Admin.create(settings.clientProperties())) {
            TopicDescription d = admin.describeTopics(Set.of(topic))
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .get(topic);
            Set<Integer> all = new TreeSet<>();
            for (TopicPartitionInfo p : d.partitions()) {
                all.add(p.partition());
            }
            return all;
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot read the partitions of " + topic + " on " + settings.bootstrapServers()
                            + " (is the precompute job running? it creates the topic): " + e,
                    e);
        }
    }
}
