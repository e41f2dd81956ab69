package io.matstore.serving.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.matstore.schemas.Partitioner;
import io.matstore.schemas.ViewDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routing table of {@code GET /v1/cluster}, computed from the live members (docs/api.md has the JSON):
 * <pre>
 *   {"cluster":"prod","generation":42,"views":{"offers":{"version":1,"topic":"view.offers.v1","partitions":8,
 *     "partitioner":"kafka-murmur2","dimensions":[...],"owners":[{"partition":0,"cell":"a","nodes":[
 *       {"node":"a-1","url":"http://...","ready":true,"loaded":true}]}, ...]}}}
 * </pre>
 * <b>Owner of a partition</b>: of the live cells in rendezvous order ({@link Assignment#ranked}), the first with a
 * node that has the partition loaded; else the first with a node holding it (loading); else the rendezvous owner
 * (nodes empty). A cell whose live nodes are all {@link Member#leaving() leaving} ranks after every other cell, so
 * once another cell has loaded its partitions they are routed there while it still answers. So during a move the old cell stays the owner until the new one has loaded the partition, and a
 * partition held by an explicit {@code store.partitions} override is routed where it is. A standalone node names
 * itself ({@value ClusterSettings#STANDALONE_CELL}) for the partitions it holds and no one ({@code null}) for the
 * others.
 *
 * @param json   the body
 * @param owners per view name, the owning cell of each partition (null: unknown)
 */
public record RoutingTable(byte[] json, long generation, Map<String, String[]> owners) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One view as this node serves it: its current version and the partition count of that version's topic. */
    public record ServedView(ViewDescriptor descriptor, int partitions) {}

    /**
     * @param standalone whether the members are this node alone (unheld partitions then have no owner)
     */
    public static RoutingTable build(
            String cluster, long generation, List<ServedView> views, Collection<Member> members, boolean standalone) {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::node));
        Set<String> cells = new TreeSet<>();
        for (Member m : sorted) {
            cells.add(m.cell());
        }
        Set<String> leaving = leavingCells(sorted);
        ObjectNode root = JSON.createObjectNode();
        root.put("cluster", cluster);
        root.put("generation", generation);
        ObjectNode viewsNode = root.putObject("views");
        Map<String, String[]> owners = new HashMap<>();
        for (ServedView view : views) {
            ViewDescriptor d = view.descriptor();
            ObjectNode v = viewsNode.putObject(d.name());
            v.put("version", d.version());
            v.put("topic", d.topic());
            v.put("partitions", view.partitions());
            v.put("partitioner", Partitioner.NAME);
            ArrayNode dims = v.putArray("dimensions");
            d.dimensions().forEach(dims::add);
            ArrayNode list = v.putArray("owners");
            String[] ownerOf = new String[view.partitions()];
            for (int p = 0; p < view.partitions(); p++) {
                String owner = owner(d, p, cells, leaving, sorted, standalone);
                ownerOf[p] = owner;
                ObjectNode o = list.addObject();
                o.put("partition", p);
                o.put("cell", owner);
                ArrayNode nodes = o.putArray("nodes");
                for (Member m : sorted) {
                    Member.VersionHolding h = m.holding(d.name(), d.version());
                    if (m.cell().equals(owner) && h != null && h.held().contains(p)) {
                        nodes.addObject()
                                .put("node", m.node())
                                .put("url", m.url())
                                .put("ready", m.ready())
                                .put("loaded", h.loaded().contains(p));
                    }
                }
            }
            owners.put(d.name(), ownerOf);
        }
        try {
            return new RoutingTable(JSON.writeValueAsBytes(root), generation, Map.copyOf(owners));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cells whose every live node is leaving. */
    public static Set<String> leavingCells(Collection<Member> members) {
        Set<String> leaving = new TreeSet<>();
        Set<String> staying = new HashSet<>();
        for (Member m : members) {
            (m.leaving() ? leaving : staying).add(m.cell());
        }
        leaving.removeAll(staying);
        return leaving;
    }

    private static String owner(
            ViewDescriptor d,
            int p,
            Set<String> cells,
            Set<String> leavingCells,
            List<Member> members,
            boolean standalone) {
        Set<String> loaded = new HashSet<>();
        Set<String> holding = new HashSet<>();
        for (Member m : members) {
            Member.VersionHolding h = m.holding(d.name(), d.version());
            if (h != null && h.held().contains(p)) {
                holding.add(m.cell());
                if (h.loaded().contains(p)) {
                    loaded.add(m.cell());
                }
            }
        }
        List<String> ranked = Assignment.ranked(cells, d.topic(), p);
        if (!leavingCells.isEmpty()) {
            List<String> staying = new ArrayList<>(ranked);
            staying.removeAll(leavingCells);
            List<String> last = new ArrayList<>(ranked);
            last.retainAll(leavingCells);
            staying.addAll(last);
            ranked = staying;
        }
        for (String cell : ranked) {
            if (loaded.contains(cell)) {
                return cell;
            }
        }
        for (String cell : ranked) {
            if (holding.contains(cell)) {
                return cell;
            }
        }
        return standalone || ranked.isEmpty() ? null : ranked.get(0);
    }

    /** {@code "<16 hex>"}: the strong ETag of the body. */
    public String etag() {
        return "\"" + Hash64.hex(Hash64.hash(json)) + "\"";
    }

    @Override
    public String toString() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
