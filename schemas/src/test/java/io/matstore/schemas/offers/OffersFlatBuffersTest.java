package io.matstore.schemas.offers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.fb.FxRateChanged;
import io.matstore.schemas.offers.fb.OfferEvent;
import io.matstore.schemas.offers.fb.OfferEventBody;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.schemas.offers.fb.ProductDeleted;
import io.matstore.schemas.offers.fb.ProductUpserted;
import io.matstore.schemas.offers.fb.PromotionEnded;
import io.matstore.schemas.offers.fb.PromotionUpserted;
import io.matstore.schemas.offers.fb.StockChanged;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Every offers event and the response survive encode → bytes → read, field for field, at the spec's extremes. */
class OffersFlatBuffersTest {
    /** The offers view's descriptor as the view module declares it; schemas tests need only its shape. */
    private static final ViewDescriptor OFFERS_V1 = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");

    @Test
    void shouldRoundTripProductUpserted() {
        OfferEvent e = OfferEvents.read(OfferEvents.productUpserted("SKU-1", "Mug ☕", "", Long.MAX_VALUE));
        assertThat(e.bodyType()).isEqualTo(OfferEventBody.ProductUpserted);
        ProductUpserted p = (ProductUpserted) e.body(new ProductUpserted());
        assertThat(p.sku()).isEqualTo("SKU-1");
        assertThat(p.title()).isEqualTo("Mug ☕");
        assertThat(p.category()).isEmpty();
        assertThat(p.basePriceUsdCents()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldRoundTripProductDeleted() {
        OfferEvent e = OfferEvents.read(OfferEvents.productDeleted("SKU-1"));
        assertThat(e.bodyType()).isEqualTo(OfferEventBody.ProductDeleted);
        assertThat(((ProductDeleted) e.body(new ProductDeleted())).sku()).isEqualTo("SKU-1");
    }

    @Test
    void shouldRoundTripStockChanged() {
        OfferEvent e = OfferEvents.read(OfferEvents.stockChanged("SKU-1", "eu", Integer.MAX_VALUE));
        assertThat(e.bodyType()).isEqualTo(OfferEventBody.StockChanged);
        StockChanged s = (StockChanged) e.body(new StockChanged());
        assertThat(s.sku()).isEqualTo("SKU-1");
        assertThat(s.region()).isEqualTo("eu");
        assertThat(s.quantity()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void shouldRoundTripPromotionUpserted() {
        OfferEvent e = OfferEvents.read(OfferEvents.promotionUpserted("P-9", "kitchen", "eu", 90));
        assertThat(e.bodyType()).isEqualTo(OfferEventBody.PromotionUpserted);
        PromotionUpserted p = (PromotionUpserted) e.body(new PromotionUpserted());
        assertThat(p.promoId()).isEqualTo("P-9");
        assertThat(p.category()).isEqualTo("kitchen");
        assertThat(p.region()).isEqualTo("eu");
        assertThat(p.percentOff()).isEqualTo(90);
    }

    @Test
    void shouldRoundTripPromotionEnded() {
        OfferEvent e = OfferEvents.read(OfferEvents.promotionEnded("P-9"));
        assertThat(e.bodyType()).isEqualTo(OfferEventBody.PromotionEnded);
        assertThat(((PromotionEnded) e.body(new PromotionEnded())).promoId()).isEqualTo("P-9");
    }

    @Test
    void shouldRoundTripFxRateChanged() {
        OfferEvent e = OfferEvents.read(OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        assertThat(e.bodyType()).isEqualTo(OfferEventBody.FxRateChanged);
        FxRateChanged f = (FxRateChanged) e.body(new FxRateChanged());
        assertThat(f.currency()).isEqualTo("EUR");
        assertThat(f.usdRateMicros()).isEqualTo(920_000L);
        assertThat(f.minorUnits()).isEqualTo(2);
    }

    @Test
    void shouldRoundTripResponseInsideEnvelope() {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int r = OfferResponse.createOfferResponse(
                b,
                b.createString("SKU-1"),
                b.createString("eu"),
                b.createString("EUR"),
                b.createString("gold"),
                b.createString("Mug"),
                b.createString("kitchen"),
                1022L,
                2,
                b.createString("P-9"),
                10,
                3,
                true,
                0L);
        b.finish(r);
        byte[] response = b.sizedByteArray();
        byte[] key = KeyCodec.encode(OFFERS_V1, "SKU-1", "eu", "EUR", "gold");

        byte[] envelopeBytes =
                ResponseEnvelopes.encode(OFFERS_V1, key, 0xCAFEBABE_DEADBEEFL, 1_700_000_000_000_000L, response);

        ResponseEnvelope env = ResponseEnvelopes.open(envelopeBytes);
        assertThat(ResponseEnvelope.ResponseEnvelopeBufferHasIdentifier(ByteBuffer.wrap(envelopeBytes)))
                .isTrue();
        assertThat(env.viewName()).isEqualTo("offers");
        assertThat(env.viewVersion()).isEqualTo(1);
        assertThat(env.contentHash()).isEqualTo(0xCAFEBABE_DEADBEEFL);
        assertThat(env.computedAtMicros()).isEqualTo(1_700_000_000_000_000L);
        ByteBuffer keyBytes = env.keyAsByteBuffer();
        byte[] keyCopy = new byte[keyBytes.remaining()];
        keyBytes.get(keyCopy);
        assertThat(keyCopy).isEqualTo(key);

        OfferResponse o = OfferResponse.getRootAsOfferResponse(ByteBuffer.wrap(ResponseEnvelopes.responseBytes(env)));
        assertThat(o.sku()).isEqualTo("SKU-1");
        assertThat(o.region()).isEqualTo("eu");
        assertThat(o.currency()).isEqualTo("EUR");
        assertThat(o.tier()).isEqualTo("gold");
        assertThat(o.title()).isEqualTo("Mug");
        assertThat(o.category()).isEqualTo("kitchen");
        assertThat(o.priceMinor()).isEqualTo(1022L);
        assertThat(o.minorUnits()).isEqualTo(2);
        assertThat(o.promoId()).isEqualTo("P-9");
        assertThat(o.percentOff()).isEqualTo(10);
        assertThat(o.quantity()).isEqualTo(3);
        assertThat(o.inStock()).isTrue();
    }

    @Test
    void shouldReadNestedResponseInPlaceWithoutCopy() {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int r = OfferResponse.createOfferResponse(b, b.createString("S"), 0, 0, 0, 0, 0, 7L, 0, 0, 0, 0, false, 0L);
        b.finish(r);
        byte[] env = ResponseEnvelopes.encode(OFFERS_V1, new byte[] {1}, 1L, 2L, b.sizedByteArray());
        ByteBuffer nested = ResponseEnvelopes.open(env).responseAsByteBuffer();
        // The slice shares the envelope's array: no copy was made to reach the response.
        assertThat(nested.array()).isSameAs(env);
        OfferResponse o = new OfferResponse();
        OfferResponse.getRootAsOfferResponse(nested.slice(), o);
        assertThat(o.priceMinor()).isEqualTo(7L);
        assertThat(o.sku()).isEqualTo("S");
    }
}
