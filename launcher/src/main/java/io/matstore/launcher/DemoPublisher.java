package io.matstore.launcher;

import io.matstore.precompute.DemoMix;
import io.matstore.precompute.DemoSource;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;
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
 * The local stack's demo traffic: a view's demo source ({@link SourceEventFormat#demo}), its catalogue, then its
 * steady mix at a fixed rate, on a background thread, for a bounded time. Quiet (no progress bar) so the stack's console stays readable.
 */
final class DemoPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoPublisher.class);

    private final Thread thread;
    private volatile boolean stopping;

    <E> DemoPublisher(
            SourceEventFormat<E> format,
            PrecomputeConfig config,
            int products,
            int ratePerSecond,
            long durationSeconds) {
        DemoSource<E> generator = format.demo(config, new DemoMix(products, 1L, 5, 50));
        String bootstrap = config.bootstrapServers();
        String topic = config.sourceTopic();
        thread = new Thread(
                () -> publish(bootstrap, topic, format, generator, ratePerSecond, durationSeconds), "demo-publisher");
        thread.setDaemon(true);
    }

    DemoPublisher start() {
        thread.start();
        return this;
    }

    private <E> void publish(
            String bootstrap,
            String topic,
            SourceEventFormat<E> format,
            DemoSource<E> generator,
            int rate,
            long seconds) {
        Map<String, Object> props =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            generator.catalogue(e -> send(producer, topic, format.encode(e)));
            producer.flush();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            for (long i = 0; !stopping && System.nanoTime() < end; i++) {
                long wait = start + i * 1_000_000_000L / rate - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                send(producer, topic, format.encode(generator.next()));
            }
        } catch (RuntimeException e) {
            LOG.warn("demo publisher stopped: {}", e.toString());
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, SourceEventFormat.Record encoded) {
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
