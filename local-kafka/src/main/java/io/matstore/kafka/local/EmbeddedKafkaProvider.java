package io.matstore.kafka.local;

/** The default provider: an in-process KRaft broker with its data in a temporary directory. */
public final class EmbeddedKafkaProvider implements KafkaBrokerProvider {
    @Override
    public String name() {
        return EMBEDDED;
    }

    @Override
    public KafkaBroker create() {
        return EmbeddedKafka.inTempDir();
    }
}
