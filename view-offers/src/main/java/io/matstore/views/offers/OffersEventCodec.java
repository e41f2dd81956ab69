package io.matstore.views.offers;

import io.matstore.schemas.offers.OfferEvents;
import java.nio.charset.StandardCharsets;

/** An {@link OffersEvent} as a source record: key per the spec (sku, promo_id or currency), FlatBuffers value. */
public final class OffersEventCodec {
    private OffersEventCodec() {}

    public record Encoded(byte[] key, byte[] value) {}

    public static Encoded encode(OffersEvent event) {
        if (event instanceof OffersEvent.ProductUpserted e) {
            return of(e.sku(), OfferEvents.productUpserted(e.sku(), e.title(), e.category(), e.basePriceUsdCents()));
        } else if (event instanceof OffersEvent.ProductDeleted e) {
            return of(e.sku(), OfferEvents.productDeleted(e.sku()));
        } else if (event instanceof OffersEvent.StockChanged e) {
            return of(e.sku(), OfferEvents.stockChanged(e.sku(), e.region(), e.quantity()));
        } else if (event instanceof OffersEvent.PromotionUpserted e) {
            return of(
                    e.promoId(), OfferEvents.promotionUpserted(e.promoId(), e.category(), e.region(), e.percentOff()));
        } else if (event instanceof OffersEvent.PromotionEnded e) {
            return of(e.promoId(), OfferEvents.promotionEnded(e.promoId()));
        } else if (event instanceof OffersEvent.FxRateChanged e) {
            return of(e.currency(), OfferEvents.fxRateChanged(e.currency(), e.usdRateMicros(), e.minorUnits()));
        }
        throw new IllegalArgumentException("unhandled event " + event);
    }

    private static Encoded of(String key, byte[] value) {
        return new Encoded(key.getBytes(StandardCharsets.UTF_8), value);
    }
}
