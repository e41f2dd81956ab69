package io.matstore.it.client;

import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.serving.cluster.Assignment;
import io.matstore.serving.cluster.ClusterSettings;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real cluster for client tests: two cells ({@code a}, {@code b}) of two replicas, four serving nodes each over its
 * own real store, members of one cluster on the given broker, each loading the partitions of offers v1 its cell gets
 * by rendezvous hashing, as {@code bin/matstore serve} does when the nodes start together.
 */
final class TwoCells implements AutoCloseable {
    final List<ServingNode> nodes = new ArrayList<>();
    final List<VersionedResponseStore> stores = new ArrayList<>();
    /** a-1, a-2, b-1, b-2. */
    final List<URI> urls = new ArrayList<>();

    private TwoCells() {}

    static TwoCells start(Path dir, String bootstrapServers, String cluster, int partitions) throws Exception {
        return start(dir, bootstrapServers, cluster, partitions, null, Map.of());
    }

    /**
     * @param advertised per node (a-1, a-2, b-1, b-2) the URL it gives clients in the routing table (a proxy in
     *                   front of it), or null for its own
     * @param extra      more settings of every node
     */
    static TwoCells start(
            Path dir,
            String bootstrapServers,
            String cluster,
            int partitions,
            List<URI> advertised,
            Map<String, String> extra)
            throws Exception {
        TwoCells cells = new TwoCells();
        try {
            List<String> ids = List.of("a-1", "a-2", "b-1", "b-2");
            for (int n = 0; n < ids.size(); n++) {
                String id = ids.get(n);
                ServingNode node = new ServingNode();
                cells.nodes.add(node);
                VersionedResponseStore store =
                        ResponseStores.open(StoreConfig.of(dir.resolve(id), bootstrapServers), node.meterRegistry());
                cells.stores.add(store);
                Map<String, String> settings = new java.util.HashMap<>(Map.of(
                        ServingConfig.PORT,
                        "0",
                        ServingConfig.IO_THREADS,
                        "1",
                        ServingConfig.STATUS_REFRESH_MS,
                        "100",
                        ClusterSettings.NAME,
                        cluster,
                        ClusterSettings.CELL_ID,
                        id.substring(0, 1),
                        ClusterSettings.NODE_ID,
                        id,
                        ClusterSettings.HEARTBEAT_MS,
                        "300",
                        ClusterSettings.MEMBER_TIMEOUT_MS,
                        "5000"));
                settings.putAll(extra);
                if (advertised != null) {
                    settings.put(
                            ClusterSettings.ADVERTISED_URL, advertised.get(n).toString());
                }
                int port = node.start(store, ServingConfig.of(settings), Map.of("bootstrap.servers", bootstrapServers));
                cells.urls.add(URI.create("http://127.0.0.1:" + port));
            }
            for (int i = 0; i < cells.nodes.size(); i++) {
                String cell = cellOf(i);
                Set<String> live = cells.nodes.get(i).membership().settledCells(cell, Duration.ofSeconds(30));
                cells.stores
                        .get(i)
                        .addVersion(
                                OffersContract.V1,
                                Assignment.partitionsOf(cell, live, OffersContract.V1.topic(), partitions));
                cells.stores.get(i).makeCurrent("offers", 1);
            }
            return cells;
        } catch (Exception | Error e) {
            cells.close();
            throw e;
        }
    }

    static String cellOf(int node) {
        return node < 2 ? "a" : "b";
    }

    /** The nodes of the cell rendezvous hashing gives {@code partition}. */
    List<URI> ownersOf(int partition) {
        String owner = Assignment.owner(List.of("a", "b"), OffersContract.V1.topic(), partition);
        return owner.equals("a") ? urls.subList(0, 2) : urls.subList(2, 4);
    }

    /** 421 answers of every node since start. */
    double misdirected() {
        double sum = 0;
        for (ServingNode n : nodes) {
            sum += n.meterRegistry().find("matstore_misdirected_lookups").counters().stream()
                    .mapToDouble(Counter::count)
                    .sum();
        }
        return sum;
    }

    @Override
    public void close() {
        nodes.forEach(ServingNode::close);
        stores.forEach(VersionedResponseStore::close);
    }
}
