package io.matstore.client.internal;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.Partitioner;
import io.matstore.schemas.ViewDescriptor;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One immutable snapshot of {@code GET /v1/cluster} (docs/cluster-contract: per view the partition count, the
 * partitioner and the key's dimensions; per partition the owning cell and its nodes): what the client routes by.
 * Built once per fetched document and published whole, so a request sees one consistent table.
 *
 * <p>Per partition the candidates are the owning cell's nodes with {@code "loaded":true}: those also
 * {@code "ready":true} when there are any, else all loaded ones. Partitions with the same owner and candidates share
 * one {@link Owner}, so a batch groups its keys by owner identity.
 */
public final class RoutingTable {
    private final String cluster;
    private final long generation;
    private final String etag;
    private final Map<String, ViewRoute> views;
    private final List<Node> nodes;

    private RoutingTable(String cluster, long generation, String etag, Map<String, ViewRoute> views, List<Node> nodes) {
        this.cluster = cluster;
        this.generation = generation;
        this.etag = etag;
        this.views = views;
        this.nodes = nodes;
    }

    /** Who serves one partition. */
    public record Owner(String cell, Node[] candidates) {}

    /** How one view's keys are routed. */
    public static final class ViewRoute {
        private final ViewDescriptor descriptor;
        private final int partitions;
        private final Owner[] owners;

        ViewRoute(ViewDescriptor descriptor, int partitions, Owner[] owners) {
            this.descriptor = descriptor;
            this.partitions = partitions;
            this.owners = owners;
        }

        /** Name, the node's current version and the dimensions in key order. */
        public ViewDescriptor descriptor() {
            return descriptor;
        }

        public int partitions() {
            return partitions;
        }

        /**
         * The canonical key of {@code params} (KeyCodec, dimensions in the table's order).
         *
         * @throws IllegalArgumentException when a dimension is missing or unknown, naming it
         */
        public byte[] key(Map<String, String> params) {
            return KeyCodec.encode(descriptor, params);
        }

        public int partition(byte[] key) {
            return Partitioner.partition(key, partitions);
        }

        public Owner owner(int partition) {
            return owners[partition];
        }
    }

    /**
     * @param etag the document's ETag, quotes included, or null
     * @throws IllegalArgumentException when the document is not a routing table this client can use
     */
    public static RoutingTable parse(String body, String etag, Nodes registry) {
        Json.Obj doc = Json.parseObject(body);
        Json.Obj viewsJson = doc.obj("views");
        if (viewsJson == null) {
            throw new IllegalArgumentException("routing table has no \"views\" object: " + Json.abbreviate(body));
        }
        Map<String, ViewRoute> views = new HashMap<>();
        Set<Node> all = new LinkedHashSet<>();
        Map<String, Owner> shared = new HashMap<>();
        for (Map.Entry<String, Object> e : viewsJson.entrySet()) {
            if (e.getValue() instanceof Json.Obj v) {
                views.put(e.getKey(), view(e.getKey(), v, registry, all, shared));
            }
        }
        return new RoutingTable(
                doc.string("cluster"), doc.number("generation", 0), etag, Map.copyOf(views), List.copyOf(all));
    }

    private static ViewRoute view(String name, Json.Obj v, Nodes registry, Set<Node> all, Map<String, Owner> shared) {
        String partitioner = v.string("partitioner");
        if (!Partitioner.NAME.equals(partitioner)) {
            throw new IllegalArgumentException("view " + name + " is partitioned by \"" + partitioner
                    + "\"; this client routes by " + Partitioner.NAME + " only");
        }
        int partitions = (int) v.number("partitions", 0);
        if (partitions < 1) {
            throw new IllegalArgumentException("view " + name + " has partitions=" + partitions + " < 1");
        }
        List<String> dims = new ArrayList<>();
        for (Object d : v.list("dimensions")) {
            dims.add(String.valueOf(d));
        }
        ViewDescriptor descriptor =
                ViewDescriptor.of(name, (int) Math.max(1, v.number("version", 1)), dims.toArray(new String[0]));
        Owner[] owners = new Owner[partitions];
        for (Object o : v.list("owners")) {
            if (!(o instanceof Json.Obj entry)) {
                continue;
            }
            int p = (int) entry.number("partition", -1);
            if (p < 0 || p >= partitions) {
                throw new IllegalArgumentException("view " + name + " names partition " + p + " of " + partitions);
            }
            owners[p] = owner(entry, registry, all, shared);
        }
        for (int p = 0; p < partitions; p++) {
            if (owners[p] == null) {
                owners[p] = shared.computeIfAbsent("null|", k -> new Owner(null, new Node[0]));
            }
        }
        return new ViewRoute(descriptor, partitions, owners);
    }

    private static Owner owner(Json.Obj entry, Nodes registry, Set<Node> all, Map<String, Owner> shared) {
        List<Node> ready = new ArrayList<>();
        List<Node> loaded = new ArrayList<>();
        for (Object n : entry.list("nodes")) {
            if (n instanceof Json.Obj node && node.string("url") != null) {
                Node known = registry.of(URI.create(node.string("url")));
                all.add(known);
                if (node.bool("loaded")) {
                    loaded.add(known);
                    if (node.bool("ready")) {
                        ready.add(known);
                    }
                }
            }
        }
        List<Node> candidates = ready.isEmpty() ? loaded : ready;
        String cell = entry.string("cell");
        StringBuilder sharedKey = new StringBuilder().append(cell).append('|');
        for (Node n : candidates) {
            sharedKey.append(n.base()).append(' ');
        }
        return shared.computeIfAbsent(sharedKey.toString(), k -> new Owner(cell, candidates.toArray(new Node[0])));
    }

    public String cluster() {
        return cluster;
    }

    public long generation() {
        return generation;
    }

    public String etag() {
        return etag;
    }

    /** The view's route, or null when the table does not name it. */
    public ViewRoute view(String name) {
        return views.get(name);
    }

    public Set<String> viewNames() {
        return views.keySet();
    }

    /** Every node the table names, in document order: where to fetch the next table besides the bootstrap URLs. */
    public List<Node> nodes() {
        return nodes;
    }
}
