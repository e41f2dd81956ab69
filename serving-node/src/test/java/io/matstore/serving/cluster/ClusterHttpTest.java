package io.matstore.serving.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.Partitioner;
import io.matstore.serving.Offers;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cells of two replicas in one JVM, on one real broker: four serving nodes on loopback sockets, each with its
 * own real store (RocksDB + near-cache files in a temp dir), the view topic {@code view.offers.v1} of 8 partitions
 * fed by a test producer. Each node announces itself, settles, loads its cell's partitions (rendezvous over the
 * cells it sees) and serves /v1/cluster; keys sent to the wrong cell answer 421 naming the owner. The last tests
 * stop a node cleanly and make a member's heartbeats stop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterHttpTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER = "it";
    private static final String TOPIC = OffersContract.V1.topic();
    private static final int PARTITIONS = 8;
    private static final int KEYS = 200;
    private static final long HEARTBEAT_MS = 500;
    private static final long MEMBER_TIMEOUT_MS = 3_000;

    @TempDir
    static Path dir;

    static final Map<String, Node> NODES = new LinkedHashMap<>();
    static final List<Offers.Offer> OFFERS = new ArrayList<>();
    static HttpClient http;

    record Node(String cell, String id, VersionedResponseStore store, ServingNode server, int port) {
        String base() {
            return "http://127.0.0.1:" + port;
        }
    }

    @BeforeAll
    static void startTwoCellsOfTwo() throws Exception {
        KAFKA.createTopic(TOPIC, PARTITIONS);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < KEYS; i++) {
                Offers.Offer o = new Offers.Offer(
                        "SKU-" + i,
                        i % 2 == 0 ? "eu" : "us",
                        "EUR",
                        "gold",
                        "Mug " + i,
                        "kitchen",
                        100 + i,
                        2,
                        "",
                        0,
                        1,
                        true);
                OFFERS.add(o);
                byte[] key = o.key(OffersContract.V1);
                // the default partitioner would pick the same; explicit, so the test says what it relies on
                producer.send(new ProducerRecord<>(
                        TOPIC,
                        Partitioner.partition(key, PARTITIONS),
                        key,
                        o.envelope(OffersContract.V1, i, 1_000_000L)));
            }
            producer.flush();
        }
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        // every node binds and announces itself first (as nodes starting together do), then each settles and loads
        for (String id : List.of("a-1", "a-2", "b-1", "b-2")) {
            startNode(id.substring(0, 1), id);
        }
        for (Node n : NODES.values()) {
            Set<String> cells = n.server().membership().settledCells(n.cell(), Duration.ofSeconds(30));
            n.store().addVersion(OffersContract.V1, Assignment.partitionsOf(n.cell(), cells, TOPIC, PARTITIONS));
            n.store().makeCurrent("offers", 1);
        }
        Awaitility.await("every node ready, loaded and agreeing on one table")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(ClusterHttpTest::settled);
        System.out.println("GET /v1/cluster of a-1: "
                + get(NODES.get("a-1"), "/v1/cluster").body());
    }

    private static void startNode(String cell, String id) {
        ServingNode server = new ServingNode();
        VersionedResponseStore store =
                ResponseStores.open(StoreConfig.of(dir.resolve(id), KAFKA.bootstrapServers()), server.meterRegistry());
        int port = server.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT,
                        "0",
                        ServingConfig.IO_THREADS,
                        "1",
                        ServingConfig.STATUS_REFRESH_MS,
                        "100",
                        ClusterSettings.NAME,
                        CLUSTER,
                        ClusterSettings.CELL_ID,
                        cell,
                        ClusterSettings.NODE_ID,
                        id,
                        ClusterSettings.HEARTBEAT_MS,
                        Long.toString(HEARTBEAT_MS),
                        ClusterSettings.MEMBER_TIMEOUT_MS,
                        Long.toString(MEMBER_TIMEOUT_MS))),
                Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
        NODES.put(id, new Node(cell, id, store, server, port));
    }

    @AfterAll
    static void stopAll() {
        for (Node n : NODES.values()) {
            n.server().close();
            n.store().close();
        }
    }

    private static boolean settled() throws Exception {
        String first = null;
        for (Node n : NODES.values()) {
            HttpResponse<String> r = get(n, "/v1/cluster");
            if (r.statusCode() != 200 || first != null && !first.equals(r.body())) {
                return false;
            }
            first = r.body();
        }
        JsonNode owners = JSON.readTree(first).path("views").path("offers").path("owners");
        if (owners.size() != PARTITIONS) {
            return false;
        }
        for (JsonNode o : owners) {
            if (o.path("nodes").size() != 2) {
                return false;
            }
            for (JsonNode node : o.path("nodes")) {
                if (!node.path("loaded").asBoolean() || !node.path("ready").asBoolean()) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    @Order(1)
    void shouldServeTheSameTableOnEveryNodeWithEachPartitionHeldByExactlyOneCell() throws Exception {
        HttpResponse<String> r = get(NODES.get("b-2"), "/v1/cluster");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
        JsonNode table = JSON.readTree(r.body());
        assertThat(table.path("cluster").asText()).isEqualTo(CLUSTER);
        assertThat(table.path("generation").asLong()).isPositive();
        assertThat(r.headers().firstValue("X-Matstore-Routing-Generation"))
                .hasValue(table.path("generation").asText());
        JsonNode offers = table.path("views").path("offers");
        assertThat(offers.path("version").asInt()).isEqualTo(1);
        assertThat(offers.path("topic").asText()).isEqualTo(TOPIC);
        assertThat(offers.path("partitions").asInt()).isEqualTo(PARTITIONS);
        assertThat(offers.path("partitioner").asText()).isEqualTo("kafka-murmur2");
        assertThat(offers.path("dimensions").toString()).isEqualTo("[\"sku\",\"region\",\"currency\",\"tier\"]");
        for (int p = 0; p < PARTITIONS; p++) {
            JsonNode o = offers.path("owners").get(p);
            String cell = Assignment.owner(List.of("a", "b"), TOPIC, p);
            assertThat(o.path("partition").asInt()).isEqualTo(p);
            assertThat(o.path("cell").asText()).isEqualTo(cell);
            assertThat(o.path("nodes").findValuesAsText("node")).containsExactly(cell + "-1", cell + "-2");
            assertThat(o.path("nodes").get(0).path("url").asText())
                    .isEqualTo(NODES.get(cell + "-1").base());
        }
        // the stores agree: replicas hold the same partitions, the cells split them
        Map<String, Set<Integer>> byCell = new HashMap<>();
        for (Node n : NODES.values()) {
            Set<Integer> held = held(n);
            Set<Integer> other = byCell.putIfAbsent(n.cell(), held);
            assertThat(other == null ? held : other).isEqualTo(held);
        }
        Set<Integer> all = new HashSet<>(byCell.get("a"));
        all.addAll(byCell.get("b"));
        assertThat(all).hasSize(PARTITIONS);
        assertThat(byCell.get("a").size() + byCell.get("b").size()).isEqualTo(PARTITIONS);
    }

    @Test
    @Order(2)
    void shouldAnswerKeysOnTheOwnersReplicasAndMisdirectedRequestsWith421NamingTheOwner() throws Exception {
        long generation = JSON.readTree(get(NODES.get("a-1"), "/v1/cluster").body())
                .path("generation")
                .asLong();
        for (Offers.Offer o : OFFERS) {
            int p = Partitioner.partition(o.key(OffersContract.V1), PARTITIONS);
            String owner = Assignment.owner(List.of("a", "b"), TOPIC, p);
            String query = "/v1/views/offers?sku=" + o.sku() + "&region=" + o.region() + "&currency=EUR&tier=gold";
            for (Node n : NODES.values()) {
                HttpResponse<String> r = get(n, query, "Accept", "application/json");
                if (n.cell().equals(owner)) {
                    assertThat(r.statusCode()).as(n.id() + " " + query).isEqualTo(200);
                    assertThat(r.body()).contains("\"sku\":\"" + o.sku() + "\"");
                } else {
                    assertThat(r.statusCode()).as(n.id() + " " + query).isEqualTo(421);
                    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
                    assertThat(r.headers().firstValue("X-Matstore-Routing-Generation"))
                            .hasValue(Long.toString(generation));
                    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                    assertThat(r.body())
                            .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Misdirected Request\","
                                    + "\"status\":421,\"detail\":\"partition " + p
                                    + " of view offers is owned by cell " + owner + " (routing generation " + generation
                                    + ")\",\"code\":\"wrong_cell\",\"partition\":" + p + ",\"cell\":\"" + owner
                                    + "\",\"generation\":" + generation + "}");
                }
            }
        }
    }

    @Test
    @Order(3)
    void shouldAnswerBatchItemsOfTheOtherCellWith421() throws Exception {
        StringBuilder body = new StringBuilder();
        List<String> owners = new ArrayList<>();
        for (Offers.Offer o : OFFERS.subList(0, 20)) {
            body.append("sku=")
                    .append(o.sku())
                    .append("&region=")
                    .append(o.region())
                    .append("&currency=EUR&tier=gold\n");
            owners.add(Assignment.owner(
                    List.of("a", "b"), TOPIC, Partitioner.partition(o.key(OffersContract.V1), PARTITIONS)));
        }
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(NODES.get("a-2").base() + "/v1/views/offers/batch"))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode items = JSON.readTree(r.body()).path("items");
        assertThat(items.size()).isEqualTo(20);
        assertThat(owners).contains("a", "b");
        for (int i = 0; i < 20; i++) {
            JsonNode item = items.get(i);
            if (owners.get(i).equals("a")) {
                assertThat(item.path("status").asInt()).isEqualTo(200);
            } else {
                assertThat(item.path("status").asInt()).isEqualTo(421);
                assertThat(item.path("error").path("code").asText()).isEqualTo("wrong_cell");
                assertThat(item.path("error").path("cell").asText()).isEqualTo("b");
            }
        }
    }

    @Test
    @Order(4)
    void shouldAnswer304ToAnIfNoneMatchOfTheCurrentTag() throws Exception {
        HttpResponse<String> first = get(NODES.get("a-1"), "/v1/cluster");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{16}\"");
        assertThat(get(NODES.get("b-1"), "/v1/cluster").headers().firstValue("ETag"))
                .hasValue(etag);
        HttpResponse<String> again = get(NODES.get("a-1"), "/v1/cluster", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get(NODES.get("a-1"), "/v1/cluster", "If-None-Match", "\"0000000000000000\"")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(5)
    void shouldForgetAndTombstoneAMemberWhoseHeartbeatsStop() throws Exception {
        Membership watcher = NODES.get("a-1").server().membership();
        Member ghost = new Member("z", "z-1", "http://127.0.0.1:9", true, Map.of());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(
                            "matstore." + CLUSTER + ".members", 0, System.currentTimeMillis(), "z-1", ghost.encode()))
                    .get(10, TimeUnit.SECONDS);
        }
        Awaitility.await("the ghost is seen")
                .atMost(Duration.ofSeconds(10))
                .until(() -> watcher.live().containsKey("z-1"));
        long seenAt = System.nanoTime();
        // a cell holding nothing owns nothing: routing does not move to it
        assertThat(settled()).isTrue();
        Awaitility.await("the ghost expires and its tombstone is read back")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !watcher.snapshot().entries().containsKey("z-1"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - seenAt)).isGreaterThan(MEMBER_TIMEOUT_MS / 2);
        for (Node n : NODES.values()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !n.server().membership().snapshot().entries().containsKey("z-1"));
        }
    }

    @Test
    @Order(6)
    void shouldDropACleanlyStoppedNodeFromEveryTable() throws Exception {
        long before = JSON.readTree(get(NODES.get("a-1"), "/v1/cluster").body())
                .path("generation")
                .asLong();
        Node leaving = NODES.remove("b-2");
        long stopping = System.nanoTime();
        leaving.server().close();
        leaving.store().close();
        for (Node n : NODES.values()) {
            Awaitility.await(n.id() + " drops b-2")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !get(n, "/v1/cluster").body().contains("\"b-2\""));
        }
        // the tombstone, not the timeout, removed it
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping)).isLessThan(MEMBER_TIMEOUT_MS);
        JsonNode table = JSON.readTree(get(NODES.get("a-1"), "/v1/cluster").body());
        assertThat(table.path("generation").asLong()).isGreaterThan(before);
        for (JsonNode o : table.path("views").path("offers").path("owners")) {
            assertThat(o.path("nodes").size()).isEqualTo(o.path("cell").asText().equals("b") ? 1 : 2);
        }
        Awaitility.await("every node agrees again")
                .atMost(Duration.ofSeconds(10))
                .until(() -> new HashSet<>(bodies()).size() == 1);
    }

    private static List<String> bodies() throws Exception {
        List<String> out = new ArrayList<>();
        for (Node n : NODES.values()) {
            out.add(get(n, "/v1/cluster").body());
        }
        return out;
    }

    private static Set<Integer> held(Node n) {
        Set<Integer> held = new TreeSet<>();
        for (ViewStatus.PartitionStatus p : n.store().status("offers", 1).partitions()) {
            held.add(p.partition());
        }
        return held;
    }

    private static HttpResponse<String> get(Node n, String path, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(n.base() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
