package io.matstore.kafka.local;

/**
 * Makes brokers for {@link KafkaBrokerExtension}. Found with {@link java.util.ServiceLoader}; the system property
 * {@value #PROPERTY} names the one to use ({@value #EMBEDDED} unless set).
 */
public interface KafkaBrokerProvider {
    String PROPERTY = "matstore.kafka";
    String EMBEDDED = "embedded";

    /** The value of {@value #PROPERTY} that selects this provider. */
    String name();

    /** A new, not yet started broker. */
    KafkaBroker create();
}
