package io.matstore.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ViewDescriptorTest {
    /** The offers view's descriptor as the view module declares it; schemas tests need only its shape. */
    private static final ViewDescriptor OFFERS_V1 = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");

    @Test
    void shouldNameTheViewTopicByNameAndVersion() {
        assertThat(OFFERS_V1.topic()).isEqualTo("view.offers.v1");
        assertThat(OFFERS_V1.withVersion(2).topic()).isEqualTo("view.offers.v2");
        assertThat(OFFERS_V1.dimensions()).containsExactly("sku", "region", "currency", "tier");
    }

    @Test
    void shouldRejectBadDefinitionsNamingValueAndRule() {
        assertThatThrownBy(() -> ViewDescriptor.of("Offers", 1, "sku"))
                .hasMessage("view name=\"Offers\" does not match [a-z][a-z0-9_-]{0,62}");
        assertThatThrownBy(() -> ViewDescriptor.of("offers", 0, "sku")).hasMessage("view version=0 < 1");
        assertThatThrownBy(() -> ViewDescriptor.of("offers", 1, "sku", "sku"))
                .hasMessage("dimension=\"sku\" is declared twice in view offers");
        assertThatThrownBy(() -> ViewDescriptor.of("offers", 1))
                .hasMessage("view offers has 0 dimensions; allowed 1..16");
    }
}
