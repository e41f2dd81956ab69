package io.matstore.store;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Test side of a view topic: keys from {@link KeyCodec}, values from {@link ResponseEnvelopes}, and the expected
 * content (the topic folded up to given offsets). Responses carry their own checksum so a reader can tell a whole
 * value from a torn one: {@code [crc32c of the rest, int32][sequence, int64][filler bytes]}.
 */
public final class ViewTopic implements AutoCloseable {
    private final ViewDescriptor view;
    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;

    public ViewTopic(ViewDescriptor view, String bootstrap) {
        this.view = view;
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        // Idempotent: a retried batch the broker had already written is not written twice (a duplicate would replay
        // older values after newer ones, and the readers' "never backwards" check would blame the store). One in
        // flight: right after a topic is created the broker may answer NOT_LEADER once, and several in-flight
        // batches retried then can loop on OUT_OF_ORDER_SEQUENCE_NUMBER.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public ViewDescriptor view() {
        return view;
    }

    public static Map<String, String> compacted() {
        return Map.of("cleanup.policy", "compact");
    }

    public byte[] key(int i) {
        return KeyCodec.encode(view, "k" + i);
    }

    /** An envelope for key {@code i} whose response is self-checking and says which update it is. */
    public byte[] envelope(int i, long sequence, int fillerBytes) {
        byte[] response = selfCheckingResponse(sequence, fillerBytes);
        return ResponseEnvelopes.encode(view, key(i), sequence * 31 + i, sequence, response);
    }

    public static byte[] selfCheckingResponse(long sequence, int fillerBytes) {
        ByteBuffer b = ByteBuffer.allocate(12 + fillerBytes);
        b.putInt(0).putLong(sequence);
        for (int j = 0; j < fillerBytes; j++) {
            b.put((byte) (sequence * 7 + j));
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 4, b.capacity() - 4);
        b.putInt(0, (int) crc.getValue());
        return b.array();
    }

    /** Whether a response read back is whole: its checksum matches its bytes. */
    public static boolean isWhole(ByteBuffer response) {
        if (response.remaining() < 12) {
            return false;
        }
        byte[] bytes = new byte[response.remaining()];
        response.duplicate().get(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 4, bytes.length - 4);
        return ByteBuffer.wrap(bytes).getInt(0) == (int) crc.getValue();
    }

    public void put(int i, long sequence, int fillerBytes) {
        send(key(i), envelope(i, sequence, fillerBytes));
    }

    public void delete(int i) {
        send(key(i), null);
    }

    public void send(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(view.topic(), key, value));
    }

    /** Sends an update of key {@code i} whose record timestamp (the source event's time) is {@code timestampMillis}. */
    public void putAt(long timestampMillis, int i, long sequence, int fillerBytes) {
        producer.send(
                new ProducerRecord<>(view.topic(), null, timestampMillis, key(i), envelope(i, sequence, fillerBytes)));
    }

    public void flush() {
        producer.flush();
    }

    /** Sends records in a transaction and aborts it: read_committed readers must never see them. */
    public void sendAborted(List<byte[]> keys, List<byte[]> values) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aborting-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> tx =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            tx.initTransactions();
            tx.beginTransaction();
            for (int i = 0; i < keys.size(); i++) {
                tx.send(new ProducerRecord<>(view.topic(), keys.get(i), values.get(i)));
            }
            tx.flush();
            tx.abortTransaction();
        }
    }

    /**
     * The topic folded (last value per key, tombstones delete) over each partition's records before
     * {@code untilOffsets} (all records when null). Keys are hex strings for readable assertions.
     */
    public static Map<String, byte[]> fold(
            String bootstrap, String topic, int partitions, Map<Integer, Long> untilOffsets) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, byte[]> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(tps));
            if (untilOffsets != null) {
                for (TopicPartition tp : tps) {
                    ends.put(tp, untilOffsets.getOrDefault(tp.partition(), 0L));
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reached(c, tps, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + ends);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= ends.get(tp)) {
                        continue;
                    }
                    if (r.value() == null) {
                        out.remove(hex(r.key()));
                    } else {
                        out.put(hex(r.key()), r.value());
                    }
                }
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> c, List<TopicPartition> tps, Map<TopicPartition, Long> ends) {
        for (TopicPartition tp : tps) {
            if (c.position(tp) < ends.get(tp)) {
                return false;
            }
        }
        return true;
    }

    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    public static byte[] unhex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @Override
    public void close() {
        producer.close();
    }
}
