package io.matstore.serving.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's entry in the membership topic (the record value; the key is the node id), as JSON:
 * <pre>
 *   {"cell":"a","node":"a-1","url":"http://10.0.0.5:8080","ready":true,
 *    "views":{"offers":{"current":1,"versions":[
 *       {"version":1,"topic":"view.offers.v1","topic_partitions":8,"held":[0,3,5],"loaded":[0,3,5]}]}}}
 * </pre>
 * A node draining before it stops ({@code ServingNode.leave}) adds {@code "leaving":true}: its cell counts as gone
 * for the assignment once every live node of it is leaving, so other cells load its partitions before it goes.
 * No timestamp inside: the record's own timestamp is the heartbeat, so two heartbeats of an unchanged node carry the
 * same bytes and readers tell a change from a refresh by comparing values. Encoding is deterministic (views sorted
 * by name, versions by number, partitions ascending). Unknown fields are ignored when reading (newer nodes).
 *
 * @param views   per view name what the node holds
 * @param leaving whether the node is handing its partitions over before it stops
 */
public record Member(
        String cell,
        String node,
        String url,
        boolean ready,
        Map<String, ViewHolding> views,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean leaving) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @JsonCreator
    public Member {
        views = views == null ? Map.of() : new TreeMap<>(views);
    }

    /** A node that is not leaving. */
    public Member(String cell, String node, String url, boolean ready, Map<String, ViewHolding> views) {
        this(cell, node, url, ready, views, false);
    }

    /**
     * @param current  version answering unpinned requests on the node (0: none)
     * @param versions held versions, ascending
     */
    public record ViewHolding(int current, List<VersionHolding> versions) {
        public ViewHolding {
            versions = versions == null ? List.of() : List.copyOf(versions);
        }
    }

    /**
     * @param topicPartitions partitions of the version's topic (0: unknown to the node)
     * @param held            partitions the node ingests, ascending
     * @param loaded          those that answer (first load finished), ascending
     */
    public record VersionHolding(
            int version,
            String topic,
            @JsonProperty("topic_partitions") int topicPartitions,
            List<Integer> held,
            List<Integer> loaded) {
        public VersionHolding {
            held = held == null ? List.of() : List.copyOf(held);
            loaded = loaded == null ? List.of() : List.copyOf(loaded);
        }
    }

    /** What the node holds of {@code view} at {@code version}, or null. */
    public VersionHolding holding(String view, int version) {
        ViewHolding h = views.get(view);
        if (h == null) {
            return null;
        }
        for (VersionHolding v : h.versions()) {
            if (v.version() == version) {
                return v;
            }
        }
        return null;
    }

    public byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + this, e);
        }
    }

    /** @throws UncheckedIOException when the bytes are not a member entry */
    public static Member decode(byte[] json) {
        try {
            Member m = JSON.readValue(json, Member.class);
            if (m.cell() == null || m.node() == null) {
                throw new IOException("a member entry needs \"cell\" and \"node\"");
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("not a member entry: " + e.getMessage(), e);
        }
    }
}
