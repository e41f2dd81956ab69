package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaBrokerExtensionTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty(KafkaBrokerProvider.PROPERTY);
    }

    @Test
    void shouldUseTheEmbeddedBrokerUnlessToldOtherwise() {
        try (KafkaBroker broker = KafkaBrokerExtension.newBroker()) {
            assertThat(broker).isInstanceOf(EmbeddedKafka.class);
            assertThat(broker.isRunning()).isFalse();
        }
    }

    @Test
    void shouldNameTheKnownProvidersWhenTheChosenOneIsMissing() {
        System.setProperty(KafkaBrokerProvider.PROPERTY, "nope");
        assertThatThrownBy(KafkaBrokerExtension::newBroker)
                .hasMessage("matstore.kafka=nope names no broker provider on the class path; known: [embedded]");
    }
}
