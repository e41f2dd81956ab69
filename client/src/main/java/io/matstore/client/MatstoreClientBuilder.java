package io.matstore.client;

import io.matstore.client.internal.ClientTls;
import io.matstore.client.internal.Resilience;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
    private Resilience resilience = Resilience.defaults();
    /** A Micrometer {@code MeterRegistry}, typed Object so that Micrometer is needed only by those who give one. */
    private Object meterRegistry;

    private long cacheEntries;
    private ClientTls tls = ClientTls.DEFAULT;

    MatstoreClientBuilder() {}

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
     * Default time a lookup may take in all, retries and hedges included; default 10 s. Each request to one node
     * also ends at {@code requestTimeout}, or sooner when the deadline is nearer. Per call:
     * {@link MatstoreClient#get(String, java.util.Map, Duration)}.
     */
    public MatstoreClientBuilder deadline(Duration deadline) {
        r(
                positive("deadline", deadline).toNanos(),
                resilience.retryRatio(),
                resilience.retryMinPerSecond(),
                resilience.breakerFailures(),
                resilience.breakerOpenNanos(),
                resilience.hedging(),
                resilience.hedgeDelayNanos(),
                resilience.hedgeRatio(),
                resilience.limitInitial(),
                resilience.limitMin(),
                resilience.limitMax(),
                resilience.limitTargetNanos());
        return this;
    }

    /**
     * The retry budget shared by every call of this client: each successful lookup earns {@code ratio} of a retry
     * (default 0.1, so retries stay under ~10 % of successes), plus {@code minPerSecond} retries a second however
     * much fails (default 2); a retry without a token is not sent. {@code ratio} 0 and {@code minPerSecond} 0: no
     * retries.
     */
    public MatstoreClientBuilder retryBudget(double ratio, double minPerSecond) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("retryBudget ratio=" + ratio + " is not in [0,1]");
        }
        if (!(minPerSecond >= 0)) {
            throw new IllegalArgumentException("retryBudget minPerSecond=" + minPerSecond + " < 0");
        }
        r(
                resilience.deadlineNanos(),
                ratio,
                minPerSecond,
                resilience.breakerFailures(),
                resilience.breakerOpenNanos(),
                resilience.hedging(),
                resilience.hedgeDelayNanos(),
                resilience.hedgeRatio(),
                resilience.limitInitial(),
                resilience.limitMin(),
                resilience.limitMax(),
                resilience.limitTargetNanos());
        return this;
    }

    /**
     * Each node's circuit breaker opens after {@code consecutiveFailures} failures in a row (no answer, 503; default
     * 5), skips the node for {@code openFor} (default 1 s), then lets one probe through: its success closes it.
     */
    public MatstoreClientBuilder circuitBreaker(int consecutiveFailures, Duration openFor) {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("circuitBreaker consecutiveFailures=" + consecutiveFailures + " < 1");
        }
        r(
                resilience.deadlineNanos(),
                resilience.retryRatio(),
                resilience.retryMinPerSecond(),
                consecutiveFailures,
                positive("circuitBreaker openFor", openFor).toNanos(),
                resilience.hedging(),
                resilience.hedgeDelayNanos(),
                resilience.hedgeRatio(),
                resilience.limitInitial(),
                resilience.limitMin(),
                resilience.limitMax(),
                resilience.limitTargetNanos());
        return this;
    }

    /**
     * Hedging: a lookup not answered after {@code delay} is sent to another replica of the cell too, the first answer
     * wins and the other request is abandoned. {@code delay} null (the default) = the lowest
     * recent p99 among the cell's replicas (no hedge before one has 256 answers).
     * Hedges spend their own budget, {@code ratio} of the successes (default 0.05: at most ~5 % extra requests).
     */
    public MatstoreClientBuilder hedging(boolean enabled, Duration delay, double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("hedging ratio=" + ratio + " is not in [0,1]");
        }
        r(
                resilience.deadlineNanos(),
                resilience.retryRatio(),
                resilience.retryMinPerSecond(),
                resilience.breakerFailures(),
                resilience.breakerOpenNanos(),
                enabled,
                delay == null ? 0 : positive("hedging delay", delay).toNanos(),
                ratio,
                resilience.limitInitial(),
                resilience.limitMin(),
                resilience.limitMax(),
                resilience.limitTargetNanos());
        return this;
    }

    /** {@link #hedging(boolean, Duration, double)} on or off with the default delay and budget. */
    public MatstoreClientBuilder hedging(boolean enabled) {
        return hedging(enabled, null, 0.05);
    }

    /**
     * The adaptive (AIMD) limit of this client's lookups in flight to each node: starts at {@code initial} (64),
     * grows by about one per round trip while answers come within {@code latencyTarget} (100 ms), shrinks by 10 % on
     * each timeout or {@code 503 overloaded}, stays within [{@code min}, {@code max}] ([4, 1024]). A lookup finding
     * every replica at its limit fails at once with {@link ConcurrencyLimitException}.
     */
    public MatstoreClientBuilder concurrencyLimit(int initial, int min, int max, Duration latencyTarget) {
        if (min < 1 || initial < min || max < initial) {
            throw new IllegalArgumentException("concurrencyLimit min=" + min + " initial=" + initial + " max=" + max
                    + ": need 1 <= min <= initial <= max");
        }
        r(
                resilience.deadlineNanos(),
                resilience.retryRatio(),
                resilience.retryMinPerSecond(),
                resilience.breakerFailures(),
                resilience.breakerOpenNanos(),
                resilience.hedging(),
                resilience.hedgeDelayNanos(),
                resilience.hedgeRatio(),
                initial,
                min,
                max,
                positive("concurrencyLimit latencyTarget", latencyTarget).toNanos());
        return this;
    }

    /**
     * Where the client's meters go (docs/client.md "Metrics"): lookups, retries, budget exhaustion, hedges sent and
     * won, and per node requests, latency, breaker state and concurrency limit. Optional: without it, no Micrometer
     * class is loaded; {@link MatstoreClient#stats()} has the same counters.
     */
    public MatstoreClientBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meterRegistry = java.util.Objects.requireNonNull(registry, "registry");
        return this;
    }

    /**
     * Keeps the last good answer of up to {@code maxEntries} keys (Caffeine) and honours the node's
     * {@code Cache-Control}: answers within {@code max-age} without a request, within {@code stale-while-revalidate}
     * from the cache while one lookup revalidates it ({@code If-None-Match}), and when a lookup fails as unavailable
     * (every replica failing or open, the deadline) within {@code stale-if-error} answers the cached value marked
     * stale ({@code client-stale-if-error}) with its age. Off by default; {@code get}/{@code getAsync} only.
     */
    public MatstoreClientBuilder cache(long maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cache maxEntries=" + maxEntries + " < 1");
        }
        this.cacheEntries = maxEntries;
        return this;
    }

    /**
     * The servers an {@code https://} node may present certificates of: the certificates in a PKCS#12 trust store
     * (for example the CA that signed the nodes' certificates), instead of the JDK's default CAs. Docs/client.md
     * "TLS". Plain {@code http://} URLs stay plain text.
     */
    public MatstoreClientBuilder trustStore(Path pkcs12, String password) {
        tls = new ClientTls(
                Objects.requireNonNull(pkcs12, "pkcs12"),
                password,
                tls.trusted(),
                tls.keyStore(),
                tls.keyStorePassword(),
                tls.hostnameVerification());
        return this;
    }

    /** Trusted certificates given in code, with or instead of {@link #trustStore}. */
    public MatstoreClientBuilder trustedCertificates(X509Certificate... certificates) {
        tls = new ClientTls(
                tls.trustStore(),
                tls.trustStorePassword(),
                List.of(certificates),
                tls.keyStore(),
                tls.keyStorePassword(),
                tls.hostnameVerification());
        return this;
    }

    /**
     * The certificate the client presents for mutual TLS: a PKCS#12 key store holding its private key and
     * certificate chain (the password opens both), for nodes with {@code serving.tls.client.auth=required}.
     */
    public MatstoreClientBuilder clientCertificate(Path pkcs12, String password) {
        tls = new ClientTls(
                tls.trustStore(),
                tls.trustStorePassword(),
                tls.trusted(),
                Objects.requireNonNull(pkcs12, "pkcs12"),
                Objects.requireNonNull(password, "password"),
                tls.hostnameVerification());
        return this;
    }

    /**
     * Whether a node's certificate must name the host of its URL (RFC 9110 §4.3.4); on by default. Turn it off only
     * where the names cannot match and every trusted certificate is a node's: otherwise any holder of a trusted
     * certificate could answer as any node.
     */
    public MatstoreClientBuilder hostnameVerification(boolean on) {
        tls = new ClientTls(
                tls.trustStore(), tls.trustStorePassword(), tls.trusted(), tls.keyStore(), tls.keyStorePassword(), on);
        return this;
    }

    ClientTls tls() {
        return tls;
    }

    long cacheEntries() {
        return cacheEntries;
    }

    Object meterRegistry() {
        return meterRegistry;
    }

    private void r(
            long deadline,
            double retryRatio,
            double retryMin,
            int breakerFailures,
            long breakerOpen,
            boolean hedging,
            long hedgeDelay,
            double hedgeRatio,
            int limitInitial,
            int limitMin,
            int limitMax,
            long limitTarget) {
        resilience = new Resilience(
                deadline,
                retryRatio,
                retryMin,
                breakerFailures,
                breakerOpen,
                hedging,
                hedgeDelay,
                hedgeRatio,
                limitInitial,
                limitMin,
                limitMax,
                limitTarget,
                resilience.clock());
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

    Resilience resilience() {
        return resilience;
    }

    private static Duration positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + "=" + d + " is not positive");
        }
        return d;
    }
}
