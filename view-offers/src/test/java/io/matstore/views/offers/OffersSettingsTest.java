package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.schemas.offers.OfferEvents;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;

class OffersSettingsTest {

    /** A reason is only useful if the name it quotes is one the configuration takes: set both through it. */
    @Test
    void shouldQuoteInReasonsTheSettingNamesTheConfigurationAccepts() {
        PrecomputeConfig config = PrecomputeConfig.of(Map.of(
                OffersSettings.PREFIX + OffersSettings.EVENT_MAX_STRING_BYTES, "17",
                OffersSettings.PREFIX + OffersSettings.FX_MAX_CHANGE_FACTOR, "2.5"));
        AbstractConfig own = config.viewSettings(OffersContract.V1.name());

        assertThat(own.getInt(OffersSettings.EVENT_MAX_STRING_BYTES)).isEqualTo(17);
        assertThat(own.getDouble(OffersSettings.FX_MAX_CHANGE_FACTOR)).isEqualTo(2.5);
        byte[] longTitle = OfferEvents.productUpserted("SKU-1", "t".repeat(18), "kitchen", 100);
        assertThatThrownBy(() -> OfferEventDecoder.decode(longTitle, own.getInt(OffersSettings.EVENT_MAX_STRING_BYTES)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("title is 18 bytes > view.offers.event.max.string.bytes=17");
    }
}
