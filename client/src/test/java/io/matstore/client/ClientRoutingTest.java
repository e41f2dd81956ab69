package io.matstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.Partitioner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Protocol tests of the client against {@link FakeNode}s (JDK HTTP servers speaking the cluster contract, since the
 * real node does not serve {@code /v1/cluster} yet): two cells over 4 partitions, cell a (nodes a1, a2) holding 0
 * and 1, cell b (node b1) holding 2 and 3. What the client does with the answers is real; the answers are canned.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientRoutingTest {
    private static final int PARTITIONS = 4;
    private static final List<String> CELL_A = List.of("a1:true:true", "a2:true:true");
    private static final List<String> CELL_B = List.of("b1:true:true");

    private final Map<String, FakeNode> nodes = new HashMap<>();
    private final List<MatstoreClient> clients = new ArrayList<>();
    private FakeNode a1;
    private FakeNode a2;
    private FakeNode b1;

    @BeforeEach
    void startNodes() throws Exception {
        a1 = node("a1", Set.of(0, 1));
        a2 = node("a2", Set.of(0, 1));
        b1 = node("b1", Set.of(2, 3));
        publish(1, List.of(CELL_A, CELL_A, CELL_B, CELL_B));
    }

    @AfterEach
    void stop() {
        clients.forEach(MatstoreClient::close);
        nodes.values().forEach(FakeNode::close);
    }

    private FakeNode node(String id, Set<Integer> held) throws Exception {
        FakeNode n = new FakeNode(id, PARTITIONS, held);
        nodes.put(id, n);
        return n;
    }

    /** Every node serves the same routing document. */
    private void publish(long generation, List<List<String>> owners) {
        String doc = FakeNode.document(generation, PARTITIONS, owners, nodes);
        nodes.values().forEach(n -> n.cluster = doc);
    }

    /** Without hedging: these protocol tests count the requests each node receives. */
    private MatstoreClient client(URI... bootstrap) {
        return client(MatstoreClient.builder().hedging(false), bootstrap);
    }

    private MatstoreClient client(MatstoreClientBuilder builder, URI... bootstrap) {
        MatstoreClient c = builder.bootstrap(List.of(bootstrap))
                .refreshInterval(Duration.ofHours(1))
                .requestTimeout(Duration.ofSeconds(5))
                .build();
        clients.add(c);
        return c;
    }

    private static Map<String, String> key(String sku) {
        return Map.of("sku", sku, "region", "eu", "currency", "EUR", "tier", "gold");
    }

    private static int partitionOf(String sku) {
        return Partitioner.partition(KeyCodec.encode(FakeNode.OFFERS_V1, key(sku)), PARTITIONS);
    }

    /** A sku whose key falls in one of {@code partitions}. */
    private static String skuIn(Set<Integer> partitions, int nth) {
        return skuIn("SKU-", partitions, nth);
    }

    private static String skuIn(String prefix, Set<Integer> partitions, int nth) {
        int found = 0;
        for (int i = 0; ; i++) {
            if (partitions.contains(partitionOf(prefix + i)) && found++ == nth) {
                return prefix + i;
            }
        }
    }

    @Test
    void shouldSendEveryKeyInOneHopToANodeOfTheCellOwningItsPartition() {
        MatstoreClient client = client(b1.url);
        for (int i = 0; i < 60; i++) {
            String sku = "SKU-" + i;
            Lookup lookup = client.get("offers", key(sku));
            URI expected = partitionOf(sku) < 2 ? null : b1.url;
            if (expected == null) {
                assertThat(lookup.node()).isIn(a1.url, a2.url);
            } else {
                assertThat(lookup.node()).isEqualTo(b1.url);
            }
            assertThat(client.partition("offers", key(sku))).isEqualTo(partitionOf(sku));
        }
        assertThat(a1.misdirected.get() + a2.misdirected.get() + b1.misdirected.get())
                .isZero();
        assertThat(a1.lookups.get() + a2.lookups.get() + b1.lookups.get()).isEqualTo(60);
        assertThat(client.routingFetches()).isEqualTo(1);
    }

    @Test
    void shouldReadTheEnvelopeAndWhatTheNodeSaidAboutIt() {
        b1.freshness = "stale; reason=lagging";
        String sku = skuIn(Set.of(2, 3), 0);
        Lookup lookup = client(a1.url).get("offers", key(sku));
        assertThat(lookup.envelope().viewName()).isEqualTo("offers");
        assertThat(lookup.envelope().viewVersion()).isEqualTo(1);
        assertThat(StandardCharsets.UTF_8
                        .decode(lookup.envelope().responseAsByteBuffer())
                        .toString())
                .isEqualTo(sku);
        assertThat(lookup.body().isReadOnly()).isTrue();
        assertThat(lookup.version()).isEqualTo(1);
        assertThat(lookup.freshness()).isEqualTo(new Freshness(true, "lagging"));
        assertThat(lookup.age()).isEqualTo(Duration.ofSeconds(5));
        assertThat(lookup.computedAt()).isEqualTo(Instant.ofEpochSecond(1_799_999_995L));
        assertThat(lookup.etag()).isEqualTo("\"0123456789abcdef\"");
        assertThat(lookup.node()).isEqualTo(b1.url);
        assertThatThrownBy(lookup::json).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseABlockingCallOnItsOwnIoThreadInsteadOfWaitingForItself() {
        MatstoreClient client = client(a1.url);
        String sku = skuIn(Set.of(2, 3), 0);
        assertThatThrownBy(() -> client.getAsync("offers", key(sku))
                        .thenApply(l -> client.get("offers", key(sku)))
                        .get(10, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("get called on a matstore client I/O thread");
        assertThat(client.get("offers", key(sku)).node()).isEqualTo(b1.url);
    }

    @Test
    void shouldAnswerTheJsonRenderingWithGetJson() {
        String sku = skuIn(Set.of(2, 3), 0);
        Lookup lookup = client(a1.url).getJson("offers", key(sku));
        assertThat(lookup.json()).startsWith("{\"sku\":\"" + sku + "\",\"node\":\"b1\"");
    }

    @Test
    void shouldRefreshTheTableAtOnceAfterA421AndRetryAtTheOwner() {
        publish(1, List.of(CELL_A, CELL_A, CELL_A, CELL_A));
        MatstoreClient client = client(a1.url);
        publish(2, List.of(CELL_A, CELL_A, CELL_B, CELL_B));
        String sku = skuIn(Set.of(2, 3), 0);

        Lookup lookup = client.get("offers", key(sku));

        assertThat(lookup.node()).isEqualTo(b1.url);
        assertThat(a1.misdirected.get() + a2.misdirected.get()).isEqualTo(1);
        assertThat(client.routingGeneration()).isEqualTo(2);
        assertThat(client.routingFetches()).isEqualTo(2);
        client.get("offers", key(skuIn(Set.of(2, 3), 1)));
        assertThat(a1.misdirected.get() + a2.misdirected.get()).isEqualTo(1);
    }

    @Test
    void shouldTryAnotherReplicaWhenANodeStillListedAsHoldingThePartitionAnswers421AfterTheRefresh() {
        // a1 has just handed partition 0 over to its replica a2; the tables every node serves still list a1 as
        // holding it (its new announcement not read yet), first alone, then beside a2
        publish(1, List.of(List.of("a1:true:true"), CELL_A, CELL_B, CELL_B));
        MatstoreClient client = client(a1.url);
        publish(2, List.of(CELL_A, CELL_A, CELL_B, CELL_B));
        a1.held.remove(0);
        String sku = skuIn(Set.of(0), 0);

        Lookup lookup = client.get("offers", key(sku));

        assertThat(lookup.node())
                .as("the replica that holds it; never a1 again in this call")
                .isEqualTo(a2.url);
        assertThat(a1.misdirected.get()).isEqualTo(1);
        assertThat(client.routingFetches()).isEqualTo(2);
    }

    @Test
    void shouldThrowMisdirectedWhenTheOwnerStillAnswers421AfterTheRefresh() {
        publish(1, List.of(CELL_A, CELL_A, CELL_A, CELL_A));
        MatstoreClient client = client(a1.url);
        String sku = skuIn(Set.of(2, 3), 0);
        assertThatThrownBy(() -> client.get("offers", key(sku)))
                .isInstanceOfSatisfying(MisdirectedException.class, e -> {
                    assertThat(e.cell()).isEqualTo("other");
                    assertThat(e.status()).isEqualTo(421);
                    assertThat(e.getMessage())
                            .startsWith("partition " + partitionOf(sku)
                                    + " of view offers is owned by cell other (routing generation 1)");
                });
        assertThat(client.routingFetches()).isEqualTo(2);
    }

    @Test
    void shouldPollTheTableWithItsETagAndKeepItOn304() {
        MatstoreClient client = MatstoreClient.builder()
                .bootstrap(List.of(a1.url))
                .refreshInterval(Duration.ofMillis(50))
                .build();
        clients.add(client);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.routingNotModified() >= 3);
        assertThat(client.routingGeneration()).isEqualTo(1);

        publish(7, List.of(CELL_B, CELL_B, CELL_B, CELL_B));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.routingGeneration() == 7);
        assertThat(client.get("offers", key(skuIn(Set.of(2, 3), 0))).node()).isEqualTo(b1.url);
    }

    @Test
    void shouldSendToTheReplicaWithFewerRequestsInFlight() throws Exception {
        MatstoreClient client = client(a1.url);
        String slow = skuIn(Set.of(0, 1), 0);
        a1.gate = new CountDownLatch(1);
        a2.gate = a1.gate;
        a1.heldBack.add(slow);
        a2.heldBack.add(slow);
        CompletableFuture<Lookup> held = client.getAsync("offers", key(slow));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a1.lookups.get() + a2.lookups.get() == 1);
        FakeNode busy = a1.lookups.get() == 1 ? a1 : a2;
        FakeNode idle = busy == a1 ? a2 : a1;

        for (int i = 1; i <= 20; i++) {
            assertThat(client.get("offers", key(skuIn(Set.of(0, 1), i))).node()).isEqualTo(idle.url);
        }
        busy.gate.countDown();
        assertThat(held.get(10, TimeUnit.SECONDS).node()).isEqualTo(busy.url);
    }

    @Test
    void shouldUseOnlyLoadedReplicasAndPreferReadyOnes() {
        publish(
                1,
                List.of(
                        List.of("a1:true:false", "a2:true:true"),
                        CELL_A,
                        List.of("b1:false:true", "a1:true:false"),
                        CELL_B));
        MatstoreClient client = client(a1.url);
        for (int i = 0; i < 10; i++) {
            assertThat(client.get("offers", key(skuIn(Set.of(0), i))).node()).isEqualTo(a2.url);
            assertThat(client.get("offers", key(skuIn(Set.of(2), i))).node()).isEqualTo(b1.url);
        }
    }

    @Test
    void shouldFailFastWhenAPartitionHasNoLoadedOwner() {
        publish(3, List.of(CELL_A, CELL_A, List.of(), CELL_B));
        MatstoreClient client = client(a1.url);
        String sku = skuIn(Set.of(2), 0);
        assertThatThrownBy(() -> client.get("offers", key(sku)))
                .isInstanceOfSatisfying(
                        UnavailableException.class, e -> assertThat(e.code()).isEqualTo("no_owner"))
                .hasMessage("partition 2 of view offers has no owning cell (routing generation 3)");
    }

    @Test
    void shouldSendOneBatchPerCellInParallelAndAnswerEveryKeyInOrder() {
        MatstoreClient client = client(a1.url);
        String gone = skuIn("GONE-", Set.of(2, 3), 0);
        b1.missing.add(gone);
        List<Map<String, String>> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(key("SKU-" + i));
        }
        keys.add(key(gone));
        keys.add(Map.of("sku", "x", "region", "eu"));

        List<LookupResult> results = client.getAll("offers", keys);

        assertThat(results).hasSize(keys.size());
        for (int i = 0; i < 40; i++) {
            LookupResult r = results.get(i);
            assertThat(r.key()).isEqualTo(keys.get(i));
            assertThat(r.found()).isTrue();
            assertThat(r.json()).startsWith("{\"sku\":\"SKU-" + i + "\"");
            assertThat(r.node()).isEqualTo(partitionOf("SKU-" + i) < 2 ? r.node() : b1.url);
            assertThat(r.freshness()).isEqualTo(Freshness.FRESH);
            assertThat(r.version()).isEqualTo(1);
        }
        assertThat(results.get(40).error()).isInstanceOf(NotFoundException.class);
        assertThat(results.get(40).error().code()).isEqualTo("not_found");
        assertThat(results.get(41).error())
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.code()).isEqualTo("missing_parameter"));
        assertThat(a1.batches.get() + a2.batches.get()).isEqualTo(1);
        assertThat(b1.batches.get()).isEqualTo(1);
    }

    @Test
    void shouldRouteMisdirectedBatchItemsAgainAfterARefresh() {
        publish(1, List.of(CELL_A, CELL_A, CELL_A, CELL_A));
        MatstoreClient client = client(a1.url);
        publish(2, List.of(CELL_A, CELL_A, CELL_B, CELL_B));
        List<Map<String, String>> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add(key("SKU-" + i));
        }
        List<LookupResult> results = client.getAll("offers", keys);
        for (int i = 0; i < 20; i++) {
            assertThat(results.get(i).found()).as("SKU-" + i).isTrue();
            if (partitionOf("SKU-" + i) >= 2) {
                assertThat(results.get(i).node()).isEqualTo(b1.url);
            }
        }
        assertThat(b1.batches.get()).isEqualTo(1);
        assertThat(client.routingGeneration()).isEqualTo(2);
    }

    @Test
    void shouldSplitACellsKeysIntoBatchesOfAtMostBatchSize() {
        MatstoreClient client =
                MatstoreClient.builder().bootstrap(List.of(b1.url)).batchSize(5).build();
        clients.add(client);
        List<Map<String, String>> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            keys.add(key(skuIn(Set.of(2, 3), i)));
        }
        assertThat(client.getAll("offers", keys)).allMatch(LookupResult::found);
        assertThat(b1.batches.get()).isEqualTo(3);
    }

    @Test
    void shouldReportTheNodesNotFoundAndBadRequestWithItsCodeAndMessage() {
        MatstoreClient client = client(a1.url);
        String gone = skuIn(Set.of(2, 3), 0);
        b1.missing.add(gone);
        assertThatThrownBy(() -> client.get("offers", key(gone)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).isEqualTo("not_found");
                    assertThat(e.node()).isEqualTo(b1.url);
                })
                .hasMessage("no value for this key in view offers version 1 (node " + b1.url + ")");
        assertThatThrownBy(() -> client.get("offers", Map.of("sku", "x", "region", "eu", "currency", "EUR")))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.code()).isEqualTo("missing_parameter"))
                .hasMessage("view offers needs parameter \"tier\"; dimensions are [sku, region, currency, tier]");
        assertThatThrownBy(() -> client.get("prices", key("x")))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.code()).isEqualTo("unknown_view"))
                .hasMessage("view prices is not in the routing table of cluster test (generation 1); views: [offers]");
    }

    @Test
    void shouldTryTheOtherReplicaWhenOneAnswers503OrIsGone() {
        // breakers left out: ten 503s in a row would open a1's, which ClientResilienceTest covers
        MatstoreClient client =
                client(MatstoreClient.builder().hedging(false).circuitBreaker(100, Duration.ofSeconds(1)), b1.url);
        a1.failWith(503, "overloaded");
        for (int i = 0; i < 10; i++) {
            assertThat(client.get("offers", key(skuIn(Set.of(0, 1), i))).node()).isEqualTo(a2.url);
        }
        a1.failWith(0, null);
        a2.close();
        for (int i = 0; i < 10; i++) {
            assertThat(client.get("offers", key(skuIn(Set.of(0, 1), i))).node()).isEqualTo(a1.url);
        }
    }

    @Test
    void shouldFailAtTheCallsDeadlineWithoutTryingTheReplicaLeft() {
        MatstoreClient client = client(a1.url);
        String sku = skuIn(Set.of(0, 1), 0);
        a1.gate = new CountDownLatch(1);
        a2.gate = a1.gate;
        a1.heldBack.add(sku);
        a2.heldBack.add(sku);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.get("offers", key(sku), Duration.ofMillis(300)))
                .isInstanceOfSatisfying(
                        UnavailableException.class, e -> assertThat(e.code()).isEqualTo("deadline_exceeded"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(a1.lookups.get() + a2.lookups.get()).isEqualTo(1);
        assertThat(client.stats().deadlineExceeded()).isEqualTo(1);
        a1.gate.countDown();
    }

    @Test
    void shouldLeaveANodeAloneForItsRetryAfterWhileAnotherReplicaAnswers() {
        MatstoreClient client =
                client(MatstoreClient.builder().hedging(false).circuitBreaker(100, Duration.ofSeconds(1)), b1.url);
        a1.failWith(503, "overloaded"); // with Retry-After: 3
        for (int i = 0; i < 20; i++) {
            assertThat(client.get("offers", key(skuIn(Set.of(0, 1), i))).node()).isEqualTo(a2.url);
        }
        assertThat(a1.lookups.get()).isLessThanOrEqualTo(1);
        assertThat(a2.lookups.get()).isEqualTo(20);
    }

    @Test
    void shouldNotRetryAnInternalError() {
        MatstoreClient client = client(b1.url);
        a1.failWith(500, "internal_error");
        int failed = 0;
        for (int i = 0; i < 20; i++) {
            try {
                client.get("offers", key(skuIn(Set.of(0, 1), i)));
            } catch (UnavailableException e) {
                assertThat(e.status()).isEqualTo(500);
                assertThat(e.code()).isEqualTo("internal_error");
                failed++;
            }
        }
        assertThat(failed).isPositive();
        assertThat(a2.lookups.get())
                .as("no lookup answered 500 by a1 went on to a2")
                .isEqualTo(20 - failed);
        assertThat(client.stats().retries()).isZero();
    }

    @Test
    void shouldThrowUnavailableWithRetryAfterWhenEveryReplicaAnswers503() {
        MatstoreClient client = client(a1.url);
        b1.failWith(503, "not_ready");
        assertThatThrownBy(() -> client.get("offers", key(skuIn(Set.of(2, 3), 0))))
                .isInstanceOfSatisfying(UnavailableException.class, e -> {
                    assertThat(e.code()).isEqualTo("not_ready");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(e.node()).isEqualTo(b1.url);
                });
    }

    @Test
    void shouldBootstrapFromTheFirstNodeThatAnswersAndFailWhenNoneDoes() {
        URI dead = URI.create("http://127.0.0.1:1");
        MatstoreClient client = client(dead, b1.url);
        assertThat(client.routingGeneration()).isEqualTo(1);
        assertThatThrownBy(() -> client(dead))
                .isInstanceOfSatisfying(
                        UnavailableException.class, e -> assertThat(e.code()).isEqualTo("unreachable"))
                .hasMessageStartingWith("no node gave a routing table (GET /v1/cluster): http://127.0.0.1:1: "
                        + "java.net.ConnectException");
    }
}
