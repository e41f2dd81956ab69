package io.matstore.client.internal;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every node the client has seen, by URL, and the power-of-two-choices pick among a partition's replicas: draw two
 * distinct candidates at random, send to the one with fewer requests in flight from this client (Mitzenmacher,
 * "The Power of Two Choices in Randomized Load Balancing"); with one candidate, that one. Nodes a call already tried
 * are skipped, so a retry goes to another replica.
 */
public final class Nodes {
    private final ConcurrentMap<URI, Node> byUrl = new ConcurrentHashMap<>();

    public Node of(URI url) {
        return byUrl.computeIfAbsent(url, Node::new);
    }

    /**
     * @param candidates the partition's replicas, best class first (see {@link RoutingTable.Owner#candidates()})
     * @param tried      nodes to skip, or null
     * @return the chosen node, or null when every candidate was tried
     */
    public static Node choose(Node[] candidates, Node[] tried, int triedCount) {
        int eligible = 0;
        for (Node n : candidates) {
            if (!contains(tried, triedCount, n)) {
                eligible++;
            }
        }
        if (eligible == 0) {
            return null;
        }
        if (eligible == 1) {
            return nth(candidates, tried, triedCount, 0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(eligible);
        int j = random.nextInt(eligible - 1);
        if (j >= i) {
            j++;
        }
        Node a = nth(candidates, tried, triedCount, i);
        Node b = nth(candidates, tried, triedCount, j);
        return b.outstanding() < a.outstanding() ? b : a;
    }

    private static Node nth(Node[] candidates, Node[] tried, int triedCount, int n) {
        int seen = 0;
        for (Node c : candidates) {
            if (!contains(tried, triedCount, c) && seen++ == n) {
                return c;
            }
        }
        throw new IllegalStateException("no eligible candidate " + n);
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
