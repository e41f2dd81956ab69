package io.matstore.bench.precompute;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The freshness probe's markers between publish and served: per probe sku, the quantities published and not yet seen
 * in an answer, oldest first, and the publish-to-served latencies of those that were.
 *
 * <p>Invariant: the quantities of one sku are published in increasing order and land in one partition, so an answer
 * showing quantity {@code q} proves that every marker of that sku with a quantity {@code <= q} has been applied and
 * served (a later marker may overwrite an earlier one before any poll sees it). A marker not served within
 * {@code unseenAfter} is counted unseen and recorded <em>at</em> the bound, so the percentiles never look better for
 * the markers the pipeline lost or left behind.
 */
final class MarkerBook {
    private record Marker(int quantity, long publishedNanos) {}

    private final List<ArrayDeque<Marker>> outstanding = new ArrayList<>();
    private final long unseenAfterNanos;
    private final Histogram micros;
    private long published;
    private long seen;
    private long unseen;

    MarkerBook(int skus, long unseenAfterMillis) {
        if (skus < 1 || unseenAfterMillis < 1) {
            throw new IllegalArgumentException(
                    "skus=" + skus + " and unseenAfterMillis=" + unseenAfterMillis + " must be >= 1");
        }
        for (int i = 0; i < skus; i++) {
            outstanding.add(new ArrayDeque<>());
        }
        unseenAfterNanos = TimeUnit.MILLISECONDS.toNanos(unseenAfterMillis);
        micros = new Histogram(3); // auto-resizing: an answer that took longer than the bound is still recorded
    }

    /** Before the marker's send: a poll can then never see a value the book does not know yet. */
    synchronized void onPublished(int sku, int quantity, long nanos) {
        Marker last = outstanding.get(sku).peekLast();
        if (last != null && quantity <= last.quantity()) {
            throw new IllegalArgumentException("quantity=" + quantity + " <= last outstanding quantity="
                    + last.quantity() + " of probe sku " + sku + ": markers must increase");
        }
        outstanding.get(sku).addLast(new Marker(quantity, nanos));
        published++;
    }

    /**
     * An answer for {@code sku} showed {@code quantity} at {@code nanos}: every outstanding marker up to it is served.
     *
     * @return how many markers this answer served
     */
    synchronized int onServed(int sku, int quantity, long nanos) {
        int n = 0;
        ArrayDeque<Marker> markers = outstanding.get(sku);
        while (!markers.isEmpty() && markers.peekFirst().quantity() <= quantity) {
            Marker m = markers.removeFirst();
            micros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos - m.publishedNanos())));
            seen++;
            n++;
        }
        return n;
    }

    /**
     * Counts as unseen, and records at the bound, every marker published more than {@code unseenAfter} before
     * {@code nanos}.
     *
     * @return how many markers expired now
     */
    synchronized int expire(long nanos) {
        int n = 0;
        long bound = TimeUnit.NANOSECONDS.toMicros(unseenAfterNanos);
        for (ArrayDeque<Marker> markers : outstanding) {
            while (!markers.isEmpty() && nanos - markers.peekFirst().publishedNanos() > unseenAfterNanos) {
                markers.removeFirst();
                micros.recordValue(bound);
                unseen++;
                n++;
            }
        }
        return n;
    }

    synchronized boolean hasOutstanding(int sku) {
        return !outstanding.get(sku).isEmpty();
    }

    synchronized boolean hasOutstanding() {
        for (ArrayDeque<Marker> markers : outstanding) {
            if (!markers.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** What the book holds now; the histogram is a copy. */
    synchronized FreshnessSummary summary() {
        return new FreshnessSummary(
                micros.copy(), published, seen, unseen, TimeUnit.NANOSECONDS.toMillis(unseenAfterNanos));
    }
}
