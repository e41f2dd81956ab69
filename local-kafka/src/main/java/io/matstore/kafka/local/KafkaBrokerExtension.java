package io.matstore.kafka.local;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test class a real Kafka broker ({@link EmbeddedKafka}).
 *
 * <pre>
 * &#64;RegisterExtension
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();   // own broker, closed after the class
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();     // one broker for the whole test JVM
 * </pre>
 *
 * The shared broker is started once and closed by JUnit when the test run ends (it is kept in the root context's
 * store), so a suite of classes pays the ~2 s start once. Tests that stop and restart the broker should use
 * {@code perClass()} so they do not disturb other classes.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            KafkaBrokerExtension.class);

    private final boolean shared;
    private EmbeddedKafka kafka;

    private KafkaBrokerExtension(boolean shared) {
        this.shared = shared;
    }

    public static KafkaBrokerExtension perClass() {
        return new KafkaBrokerExtension(false);
    }

    public static KafkaBrokerExtension shared() {
        return new KafkaBrokerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            // JUnit closes AutoCloseable values of the root store when the whole run ends.
            kafka = context.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent("broker", k -> EmbeddedKafka.inTempDir().start(), EmbeddedKafka.class);
        } else {
            kafka = EmbeddedKafka.inTempDir().start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared && kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("the broker starts in beforeAll: register the extension as a static field");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public void createTopic(String name, int partitions) {
        kafka().createTopic(name, partitions, Map.of());
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) {
        kafka().createTopic(name, partitions, configs);
    }
}
