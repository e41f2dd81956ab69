package io.matstore.launcher;

import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's demo traffic: the generator's catalogue, then its steady mix at a fixed rate, on a background
 * thread, for a bounded time. Quiet (no progress bar) so the stack's console stays readable.
 */
final class DemoPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoPublisher.class);

    private final Thread thread;
    private volatile boolean stopping;

    DemoPublisher(String bootstrapServers, String topic, int products, List<String> regions, int ratePerSecond,
                  long durationSeconds) {
        DemoEventGenerator generator = new DemoEventGenerator(products, regions, 1L, new DemoEventGenerator.Mix(5, 50));
        thread = new Thread(() -> publish(bootstrapServers, topic, generator, ratePerSecond, durationSeconds),
                "demo-publisher");
        thread.setDaemon(true);
    }

    DemoPublisher start() {
        thread.start();
        return this;
    }

    private void publish(String bootstrap, String topic, DemoEventGenerator generator, int rate, long seconds) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            generator.catalogue(e -> send(producer, topic, e));
            producer.flush();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            for (long i = 0; !stopping && System.nanoTime() < end; i++) {
                long wait = start + i * 1_000_000_000L / rate - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                send(producer, topic, generator.next());
            }
        } catch (RuntimeException e) {
            LOG.warn("demo publisher stopped: {}", e.toString());
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, OffersEvent event) {
        OffersEventCodec.Encoded encoded = OffersEventCodec.encode(event);
        producer.send(new ProducerRecord<>(topic, encoded.key(), encoded.value()));
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
