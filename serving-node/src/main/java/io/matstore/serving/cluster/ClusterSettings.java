package io.matstore.serving.cluster;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * A serving node's place in a cluster ({@code cluster.*}), each setting defined once in {@link #DEF}. An empty
 * {@code cluster.name} is standalone: no membership topic, and /v1/cluster describes the node alone as cell
 * {@value #STANDALONE_CELL}.
 *
 * @param name             cluster name; "" = standalone
 * @param cellId           this node's cell
 * @param nodeId           this node's id, or "" for {@code <cell>-<host>-<port>}
 * @param advertisedUrl    the URL others and clients reach this node at, or "" for {@code http://<host>:<port>}
 * @param heartbeatMillis  how often the membership entry is refreshed (also the settle time before a first load)
 * @param memberTimeoutMillis an entry not refreshed for this long counts as gone
 * @param moveGraceMillis  how long an old owner keeps a moved partition after the new owner has loaded it
 * @param leaveTimeoutMillis how long a stopping node waits to hand its partitions over (0: it does not)
 */
public record ClusterSettings(
        String name,
        String cellId,
        String nodeId,
        String advertisedUrl,
        long heartbeatMillis,
        long memberTimeoutMillis,
        long moveGraceMillis,
        long leaveTimeoutMillis) {
    public static final String NAME = "cluster.name";
    public static final String CELL_ID = "cluster.cell.id";
    public static final String NODE_ID = "cluster.node.id";
    public static final String ADVERTISED_URL = "cluster.advertised.url";
    public static final String HEARTBEAT_MS = "cluster.heartbeat.ms";
    public static final String MEMBER_TIMEOUT_MS = "cluster.member.timeout.ms";
    public static final String MOVE_GRACE_MS = "cluster.move.grace.ms";
    public static final String LEAVE_TIMEOUT_MS = "cluster.leave.timeout.ms";

    /** The cell a standalone node calls itself in /v1/cluster. */
    public static final String STANDALONE_CELL = "local";
    /** Title of these settings in the reference. */
    public static final String SECTION = "Cluster";

    public static final ConfigDef DEF = new ConfigDef()
            .define(
                    NAME,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Cluster this node belongs to; nodes announce themselves on the compacted topic"
                            + " matstore.<name>.members. Empty = standalone (no membership; /v1/cluster describes"
                            + " this node alone as cell \"local\").")
            .define(
                    CELL_ID,
                    Type.STRING,
                    "cell-1",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "This node's cell. Partitions are assigned to cells by rendezvous hashing over the live cell"
                            + " ids; every node of a cell holds all of the cell's partitions.")
            .define(
                    NODE_ID,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "This node's id in the membership (unique in the cluster); empty = <cell>-<host>-<port>.")
            .define(
                    ADVERTISED_URL,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "URL clients and other nodes reach this node at; empty = http://<serving.host>:<bound port>"
                            + " (https:// when serving.tls.keystore.file is set; set it when binding 0.0.0.0 or"
                            + " behind NAT).")
            .define(
                    HEARTBEAT_MS,
                    Type.LONG,
                    2_000L,
                    Range.between(100L, 600_000L),
                    Importance.MEDIUM,
                    "How often the node refreshes its membership entry; also how long it waits, once the"
                            + " membership topic is read, before choosing its first partitions.")
            .define(
                    MEMBER_TIMEOUT_MS,
                    Type.LONG,
                    10_000L,
                    Range.between(200L, 3_600_000L),
                    Importance.MEDIUM,
                    "A membership entry not refreshed for this long counts as gone (and is tombstoned).")
            .define(
                    MOVE_GRACE_MS,
                    Type.LONG,
                    5_000L,
                    Range.between(0L, 3_600_000L),
                    Importance.LOW,
                    "How long an old owner keeps serving a partition that moved to another cell (a cell joined or"
                            + " left) after every node of the new owner cell announced it loaded; then it stops"
                            + " answering it (421 naming the new owner) and drops its keys. Clients refresh their"
                            + " routing table within this time, so set it above the client's refresh interval.")
            .define(
                    LEAVE_TIMEOUT_MS,
                    Type.LONG,
                    60_000L,
                    Range.between(0L, 3_600_000L),
                    Importance.LOW,
                    "How long a node told to stop (SIGTERM) first waits to hand its partitions over: it announces"
                            + " itself leaving, and when every node of its cell is leaving the other cells load the"
                            + " cell's partitions before it stops answering them. 0 = stop at once (the cell's"
                            + " partitions are unanswered until others load them).");

    public ClusterSettings {
        if (memberTimeoutMillis <= heartbeatMillis) {
            throw new ConfigException(MEMBER_TIMEOUT_MS + "=" + memberTimeoutMillis + " <= " + HEARTBEAT_MS + "="
                    + heartbeatMillis + ": entries would expire between heartbeats");
        }
    }

    /** Parses and validates raw settings (defaults for what is absent; other names ignored). */
    public static ClusterSettings of(Map<String, String> raw) {
        Map<String, Object> v = DEF.parse(raw);
        return new ClusterSettings(
                ((String) v.get(NAME)).trim(),
                (String) v.get(CELL_ID),
                ((String) v.get(NODE_ID)).trim(),
                ((String) v.get(ADVERTISED_URL)).trim(),
                (Long) v.get(HEARTBEAT_MS),
                (Long) v.get(MEMBER_TIMEOUT_MS),
                (Long) v.get(MOVE_GRACE_MS),
                (Long) v.get(LEAVE_TIMEOUT_MS));
    }

    /** Whether this node is in cluster mode (announces itself, reads the membership). */
    public boolean clustered() {
        return !name.isEmpty();
    }

    /** The membership topic of this cluster. */
    public String membersTopic() {
        return "matstore." + name + ".members";
    }

    /** The node id, the configured one or {@code <cell>-<host>-<port>}. */
    public String nodeIdFor(String host, int port) {
        return nodeId.isEmpty() ? cellId + "-" + host + "-" + port : nodeId;
    }

    /** The advertised URL, the configured one or {@code http://<host>:<port>}. */
    public String urlFor(String host, int port) {
        return urlFor(host, port, false);
    }

    /** The advertised URL, the configured one or {@code http[s]://<host>:<port>} ({@code https} with TLS on). */
    public String urlFor(String host, int port, boolean tls) {
        return advertisedUrl.isEmpty() ? (tls ? "https://" : "http://") + host + ":" + port : advertisedUrl;
    }
}
