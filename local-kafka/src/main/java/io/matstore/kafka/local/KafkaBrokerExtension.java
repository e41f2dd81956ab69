package io.matstore.kafka.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test class a real Kafka broker: the embedded KRaft broker ({@link EmbeddedKafka}),
 * or another {@link KafkaBrokerProvider} chosen with {@code -Dmatstore.kafka=<name>}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();   // own broker, closed after the class
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();     // one broker for the whole test JVM
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClassSaslSsl(
 *         new SaslSslSettings("alice", "alice-secret"));                     // own SASL_SSL broker, embedded always
 * </pre>
 *
 * Clients add {@link #clientSettings()} to their settings: the secured broker's security settings, none otherwise.
 *
 * The shared broker is started once and closed by JUnit when the test run ends (it is kept in the root context's
 * store), so a suite of classes pays the ~2 s start once. Tests that stop and restart the broker should use
 * {@code perClass()} so they do not disturb other classes.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    private final boolean shared;
    private final Supplier<KafkaBroker> factory;
    private KafkaBroker kafka;

    private KafkaBrokerExtension(boolean shared, Supplier<KafkaBroker> factory) {
        this.shared = shared;
        this.factory = factory;
    }

    public static KafkaBrokerExtension perClass() {
        return new KafkaBrokerExtension(false, KafkaBrokerExtension::newBroker);
    }

    public static KafkaBrokerExtension shared() {
        return new KafkaBrokerExtension(true, KafkaBrokerExtension::newBroker);
    }

    /**
     * An embedded SASL_SSL broker of its own for {@code saslSsl}'s user, closed after the class. Other providers
     * cannot make it, so {@value KafkaBrokerProvider#PROPERTY} does not apply.
     */
    public static KafkaBrokerExtension perClassSaslSsl(SaslSslSettings saslSsl) {
        return new KafkaBrokerExtension(false, () -> EmbeddedKafka.saslSslInTempDir(saslSsl));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            // JUnit closes AutoCloseable values of the root store when the whole run ends.
            kafka = context.getRoot()
                    .getStore(NAMESPACE)
                    .getOrComputeIfAbsent("broker", k -> factory.get().start(), KafkaBroker.class);
        } else {
            kafka = factory.get().start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared && kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    public KafkaBroker kafka() {
        if (kafka == null) {
            throw new IllegalStateException("the broker starts in beforeAll: register the extension as a static field");
        }
        return kafka;
    }

    /** The broker of {@value KafkaBrokerProvider#PROPERTY}'s provider; embedded unless the property says otherwise. */
    static KafkaBroker newBroker() {
        String wanted = System.getProperty(KafkaBrokerProvider.PROPERTY, KafkaBrokerProvider.EMBEDDED);
        List<String> known = new ArrayList<>();
        for (KafkaBrokerProvider p : ServiceLoader.load(KafkaBrokerProvider.class)) {
            if (p.name().equals(wanted)) {
                return p.create();
            }
            known.add(p.name());
        }
        throw new IllegalStateException(KafkaBrokerProvider.PROPERTY + "=" + wanted + " names no broker provider on "
                + "the class path; known: " + known);
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** What every client adds to {@code bootstrap.servers}: see {@link KafkaBroker#clientSettings()}. */
    public Map<String, String> clientSettings() {
        return kafka().clientSettings();
    }

    /**
     * A client's settings for any user and password on a {@link #perClassSaslSsl} broker, to build clients that must be
     * refused: see {@link EmbeddedKafka#clientSettings(String, String)}.
     */
    public Map<String, String> clientSettings(String user, String password) {
        if (kafka() instanceof EmbeddedKafka embedded && embedded.isSaslSsl()) {
            return embedded.clientSettings(user, password);
        }
        throw new IllegalStateException("Kafka at " + bootstrapServers() + " has no users: use perClassSaslSsl");
    }

    public void createTopic(String name, int partitions) {
        kafka().createTopic(name, partitions, Map.of());
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) {
        kafka().createTopic(name, partitions, configs);
    }
}
