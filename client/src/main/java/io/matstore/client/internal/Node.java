package io.matstore.client.internal;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A serving node as the client knows it: its URL, the requests this client has in flight to it, its circuit
 * {@link Breaker}, its {@link AimdLimit concurrency limit}, how long it said to wait ({@code Retry-After}) and its
 * latency. One object per URL for the client's life (see {@link Nodes}), so all of it survives routing table swaps.
 *
 * <p>The latency is a peak-sensitive moving average (Finagle's "peak EWMA"): an answer slower than the average
 * replaces it at once, a faster one moves it by the weight {@code 1 - exp(-Δt/τ)} of the time since the previous
 * one. Read for choosing a replica ({@link #cost()}) it decays with the time since the last answer, so a replica
 * that was slow is tried again after a few τ and can show it recovered.
 */
public final class Node {
    /** τ of the latency average and of its decay while unused. */
    static final long TAU_NANOS = 1_000_000_000L;
    /** The latency assumed before the first answer. */
    static final long INITIAL_LATENCY_NANOS = 1_000_000L;

    private final URI url;
    private final String base;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Breaker breaker;
    private final AimdLimit limit;
    private final LongSupplier clock;
    private final AtomicLong requests = new AtomicLong();
    private final LatencyTracker answered = new LatencyTracker(Long.MAX_VALUE);
    private volatile long backoffUntil;
    private volatile double latencyNanos = INITIAL_LATENCY_NANOS;
    private volatile long latencyAt;
    /** The last answer, or the send that ended an idle spell: a busy node silent since then is that slow at least. */
    private volatile long progressAt;

    private volatile LongConsumer answerTimer = NO_TIMER;
    private static final LongConsumer NO_TIMER = nanos -> {};

    Node(URI url) {
        this(url, Resilience.defaults());
    }

    Node(URI url, Resilience r) {
        this.url = url;
        String s = url.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.breaker = r.newBreaker();
        this.limit = r.newLimit();
        this.clock = r.clock();
        this.latencyAt = clock.getAsLong();
    }

    public URI url() {
        return url;
    }

    /** The URL without a trailing slash, to append paths to. */
    public String base() {
        return base;
    }

    public int outstanding() {
        return outstanding.get();
    }

    public Breaker breaker() {
        return breaker;
    }

    public AimdLimit limit() {
        return limit;
    }

    /** Requests this client sent to the node. */
    public long requests() {
        return requests.get();
    }

    public void onSend() {
        if (outstanding.getAndIncrement() == 0) {
            progressAt = clock.getAsLong();
        }
        requests.incrementAndGet();
    }

    public void onAnswer() {
        progressAt = clock.getAsLong();
        outstanding.decrementAndGet();
    }

    /** Whether a request may go to it now (breaker closed or due a probe, no Retry-After pending). */
    public boolean available() {
        return breaker.mayAllow() && clock.getAsLong() - backoffUntil >= 0;
    }

    /** The node answered 503 with {@code Retry-After}: no request to it before then. */
    public void backOff(long nanos) {
        backoffUntil = clock.getAsLong() + nanos;
    }

    /** The p99 latency of its recent answers ({@code Long.MAX_VALUE} before {@value LatencyTracker#SAMPLES}). */
    public long p99Nanos() {
        return answered.p99Nanos();
    }

    /** A successful answer: for the hedge delay, and for {@link #cost()}. */
    public void recordAnswer(long nanos) {
        answered.record(nanos);
        answerTimer.accept(nanos);
        recordLatency(nanos);
    }

    /**
     * A request to it was abandoned because another replica answered first: it is no faster than its estimate said,
     * so the estimate stays and its decay starts over (an abandoned wait is shorter than the node's latency, and
     * recording it would make a slow replica look fast).
     */
    public void onAbandoned() {
        latencyAt = clock.getAsLong();
    }

    /** Where the latency of its answers goes too (a metrics timer). */
    public void answerTimer(LongConsumer timer) {
        this.answerTimer = timer;
    }

    /** A wait for the node, answered or abandoned: for {@link #cost()}. */
    public void recordLatency(long nanos) {
        long now = clock.getAsLong();
        double avg = latencyNanos;
        if (nanos > avg) {
            latencyNanos = nanos;
        } else {
            double w = Math.exp(-(now - latencyAt) / (double) TAU_NANOS);
            latencyNanos = avg * w + nanos * (1 - w);
        }
        latencyAt = now;
    }

    /**
     * The expected wait for a new request behind this client's own: the recent latency (decayed by the time since
     * it was measured, at least the time the node has been busy without answering) times the requests in flight
     * plus one. Lower is better.
     */
    public double cost() {
        long now = clock.getAsLong();
        double latency = latencyNanos * Math.exp(-(now - latencyAt) / (double) TAU_NANOS);
        int n = outstanding.get();
        if (n > 0) {
            latency = Math.max(latency, now - progressAt);
        }
        return latency * (n + 1);
    }

    @Override
    public String toString() {
        return base;
    }
}
