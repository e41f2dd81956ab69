package io.matstore.bench.precompute;

import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One window of the freshness probe: a publisher thread sends marker events (a {@code StockChanged} of a probe sku
 * to a quantity no one else writes, the next of {@code quantities}) at a fixed rate, round robin over the probe skus,
 * while a poller thread asks the serving node for every sku with a marker outstanding, every {@code pollMillis},
 * and books each marker served at the first answer that shows it ({@link MarkerBook}). The latency is publish (just
 * before the send) to the moment that answer arrived; the poll interval bounds the error from above.
 *
 * <p>{@link #stopMarkers()} ends the publishing; {@link #finish()} waits until every marker is served or has expired
 * (so at most the book's bound), then stops the poller. Both threads are daemons and stop themselves.
 */
final class FreshnessProbe {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final ProbeSkus skus;
    private final ServedQuantity served;
    private final AtomicInteger quantities;
    private final MarkerBook book;
    private final long markerPeriodNanos;
    private final long pollNanos;
    private final Thread publisher;
    private final Thread poller;
    private volatile boolean publishing = true;
    private volatile boolean polling = true;
    private volatile RuntimeException failure;

    /**
     * Starts both threads.
     *
     * @param quantities the last marker quantity sent, shared by every window over the same pipeline so that each
     *     sku's markers keep increasing
     */
    FreshnessProbe(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            ProbeSkus skus,
            ServedQuantity served,
            AtomicInteger quantities,
            double markersPerSecond,
            long unseenAfterMillis,
            long pollMillis) {
        this.producer = producer;
        this.topic = topic;
        this.skus = skus;
        this.served = served;
        this.quantities = quantities;
        this.book = new MarkerBook(skus.size(), unseenAfterMillis);
        this.markerPeriodNanos = (long) (1e9 / markersPerSecond);
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
        publisher = new Thread(this::publish, "freshness-markers");
        poller = new Thread(this::poll, "freshness-poller");
        publisher.setDaemon(true);
        poller.setDaemon(true);
        publisher.start();
        poller.start();
    }

    private void publish() {
        long start = System.nanoTime();
        for (long i = 0; publishing; i++) {
            long wait = start + i * markerPeriodNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                if (!publishing) {
                    return;
                }
            }
            int sku = (int) (i % skus.size());
            int quantity = quantities.incrementAndGet();
            OffersEventCodec.Encoded e =
                    OffersEventCodec.encode(new OffersEvent.StockChanged(skus.sku(sku), ProbeSkus.REGION, quantity));
            book.onPublished(sku, quantity, System.nanoTime());
            producer.send(new ProducerRecord<>(topic, e.key(), e.value()), (m, ex) -> {
                if (ex != null) {
                    failure = new IllegalStateException("marker " + quantity + " not published", ex);
                }
            });
        }
    }

    private void poll() {
        try {
            while (polling) {
                book.expire(System.nanoTime());
                for (int i = 0; i < skus.size(); i++) {
                    if (book.hasOutstanding(i)) {
                        int q = served.read(i);
                        if (q >= 0) {
                            book.onServed(i, q, System.nanoTime());
                        }
                    }
                }
                LockSupport.parkNanos(pollNanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Ends the publishing of markers; the poller goes on until {@link #finish()}. */
    void stopMarkers() throws InterruptedException {
        publishing = false;
        LockSupport.unpark(publisher);
        publisher.join();
        producer.flush();
    }

    /** What the window measured so far. */
    FreshnessSummary summary() {
        if (failure != null) {
            throw failure;
        }
        return book.summary();
    }

    /** Stops the markers, waits until none is outstanding (bounded by the book's bound), stops the poller. */
    void finish() throws InterruptedException {
        stopMarkers();
        while (book.hasOutstanding() && poller.isAlive()) {
            LockSupport.parkNanos(pollNanos);
        }
        polling = false;
        poller.join();
    }
}
