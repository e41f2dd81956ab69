package io.matstore.views.offers;

/** A decoded, validated {@code offers} source event (docs/views/offers.md, "Source events"). */
public sealed interface OffersEvent {
    record ProductUpserted(String sku, String title, String category, long basePriceUsdCents) implements OffersEvent {}

    record ProductDeleted(String sku) implements OffersEvent {}

    record StockChanged(String sku, String region, int quantity) implements OffersEvent {}

    record PromotionUpserted(String promoId, String category, String region, int percentOff) implements OffersEvent {}

    record PromotionEnded(String promoId) implements OffersEvent {}

    record FxRateChanged(String currency, long usdRateMicros, int minorUnits) implements OffersEvent {}
}
