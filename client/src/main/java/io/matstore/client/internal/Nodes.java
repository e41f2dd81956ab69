package io.matstore.client.internal;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Every node the client has seen, by URL, and the power-of-two-choices pick among a partition's replicas: draw two
 * distinct candidates at random, send to the one with the lower {@link Node#cost()}, its recent latency times this
 * client's requests in flight to it plus one (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing",
 * with the load measure of Finagle's peak-EWMA balancer); with one candidate, that one. Nodes a call already tried are skipped, so a retry goes to
 * another replica; nodes whose breaker is open are skipped as if absent; nodes that asked to be left alone
 * ({@code Retry-After}) are used only when nothing else is left (availability first).
 */
public final class Nodes {
    private final ConcurrentMap<URI, Node> byUrl = new ConcurrentHashMap<>();
    private final Resilience resilience;
    private volatile Consumer<Node> onNew;

    public Nodes() {
        this(Resilience.defaults());
    }

    public Nodes(Resilience resilience) {
        this.resilience = resilience;
    }

    public Node of(URI url) {
        Node n = byUrl.get(url);
        if (n != null) {
            return n;
        }
        Node[] created = new Node[1];
        n = byUrl.computeIfAbsent(url, u -> created[0] = new Node(u, resilience));
        Consumer<Node> listener = onNew;
        if (created[0] != null && listener != null) {
            listener.accept(created[0]);
        }
        return n;
    }

    /** Calls {@code listener} with every node known now and every node seen from now on (metrics). */
    public void onNewNode(Consumer<Node> listener) {
        onNew = listener;
        byUrl.values().forEach(listener);
    }

    /** Every node seen so far. */
    public Iterable<Node> all() {
        return byUrl.values();
    }

    /**
     * @param candidates the partition's replicas, best class first (see {@link RoutingTable.Owner#candidates()})
     * @param tried      nodes to skip, or null
     * @return the chosen node, or null when every candidate was tried or is unavailable
     */
    public static Node choose(Node[] candidates, Node[] tried, int triedCount) {
        Node n = choose(candidates, tried, triedCount, true);
        return n != null ? n : choose(candidates, tried, triedCount, false);
    }

    private static Node choose(Node[] candidates, Node[] tried, int triedCount, boolean strict) {
        int eligible = 0;
        for (Node n : candidates) {
            if (eligible(n, tried, triedCount, strict)) {
                eligible++;
            }
        }
        if (eligible == 0) {
            return null;
        }
        if (eligible == 1) {
            return nth(candidates, tried, triedCount, 0, strict);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(eligible);
        int j = random.nextInt(eligible - 1);
        if (j >= i) {
            j++;
        }
        Node a = nth(candidates, tried, triedCount, i, strict);
        Node b = nth(candidates, tried, triedCount, j, strict);
        return b.cost() < a.cost() ? b : a;
    }

    private static Node nth(Node[] candidates, Node[] tried, int triedCount, int n, boolean strict) {
        int seen = 0;
        for (Node c : candidates) {
            if (eligible(c, tried, triedCount, strict) && seen++ == n) {
                return c;
            }
        }
        throw new IllegalStateException("no eligible candidate " + n);
    }

    private static boolean eligible(Node n, Node[] tried, int triedCount, boolean strict) {
        return (strict ? n.available() : n.breaker().mayAllow()) && !contains(tried, triedCount, n);
    }

    /** Whether some candidate not yet tried was skipped for its open breaker. */
    public static boolean anyUnavailable(Node[] candidates, Node[] tried, int triedCount) {
        for (Node n : candidates) {
            if (!n.breaker().mayAllow() && !contains(tried, triedCount, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(Node[] tried, int triedCount, Node n) {
        for (int i = 0; i < triedCount; i++) {
            if (tried[i] == n) {
                return true;
            }
        }
        return false;
    }
}
