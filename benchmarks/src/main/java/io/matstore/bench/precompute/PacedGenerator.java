package io.matstore.bench.precompute;

import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersEventCodec;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The demo generator's steady mix published at a fixed rate for a bounded time, paced the way the {@code generate}
 * command paces it (each event is due at {@code start + i / rate}; a late loop catches up without sleeping), so what
 * it publishes is what {@code matstore precompute generate --publish --rate R} would.
 */
final class PacedGenerator {
    /** What one run published: events and the seconds from the first send to the last flushed. */
    record Published(long events, double seconds) {
        double perSecond() {
            return events / seconds;
        }
    }

    private PacedGenerator() {}

    static Published run(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            DemoEventGenerator generator,
            int rate,
            double seconds) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long count = (long) (rate * seconds);
        for (long i = 0; i < count; i++) {
            long wait = start + i * 1_000_000_000L / rate - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            OffersEventCodec.Encoded e = OffersEventCodec.encode(generator.next());
            producer.send(new ProducerRecord<>(topic, e.key(), e.value()), (m, ex) -> {
                if (ex != null) {
                    failure.compareAndSet(null, ex);
                }
            });
        }
        producer.flush();
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("generator's events not published", failure.get());
        }
        return new Published(count, elapsed);
    }
}
