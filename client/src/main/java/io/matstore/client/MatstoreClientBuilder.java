package io.matstore.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Settings of a {@link MatstoreClient}; {@link #build()} fetches the first routing table. Only the bootstrap URLs
 * are required: the rest has defaults that suit a client next to its cluster.
 */
public final class MatstoreClientBuilder {
    private List<URI> bootstrap = List.of();
    private Duration refreshInterval = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int batchSize = 100;
    private int ioThreads = 1;

    MatstoreClientBuilder() {
    }

    /** URLs of any nodes of the cluster (at least one), e.g. {@code http://10.0.0.7:8080}; tried in order. */
    public MatstoreClientBuilder bootstrap(List<URI> urls) {
        this.bootstrap = List.copyOf(urls);
        return this;
    }

    /** How often the routing table is polled (conditionally, with its ETag); default 5 s. */
    public MatstoreClientBuilder refreshInterval(Duration interval) {
        this.refreshInterval = positive("refreshInterval", interval);
        return this;
    }

    /** Default 2 s. */
    public MatstoreClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive("connectTimeout", timeout);
        return this;
    }

    /** Time for one request to one node, answer included; default 5 s. A lookup may try several nodes. */
    public MatstoreClientBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = positive("requestTimeout", timeout);
        return this;
    }

    /** Most keys in one batch request of {@code getAll}; the node's {@code serving.batch.max.items} (default 100). */
    public MatstoreClientBuilder batchSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batchSize=" + size + " < 1");
        }
        this.batchSize = size;
        return this;
    }

    /**
     * I/O threads of the client (Netty event loops shared by every node's connections); default 1, which keeps up
     * with tens of thousands of lookups/s. Each thread serves its connections' answers, so more threads help only
     * when answers are large or callers many.
     */
    public MatstoreClientBuilder ioThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ioThreads=" + threads + " < 1");
        }
        this.ioThreads = threads;
        return this;
    }

    /**
     * Fetches the routing table from the first bootstrap node that gives one.
     *
     * @throws IllegalArgumentException without bootstrap URLs
     * @throws UnavailableException     when no bootstrap node gives a routing table, naming each and why
     */
    public MatstoreClient build() {
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("bootstrap URLs are empty: give at least one node's URL");
        }
        return MatstoreClient.start(this);
    }

    List<URI> bootstrap() {
        return bootstrap;
    }

    Duration refreshInterval() {
        return refreshInterval;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    int batchSize() {
        return batchSize;
    }

    int ioThreads() {
        return ioThreads;
    }

    private static Duration positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + "=" + d + " is not positive");
        }
        return d;
    }
}
