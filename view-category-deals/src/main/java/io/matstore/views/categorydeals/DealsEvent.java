package io.matstore.views.categorydeals;

/** The offers source events, as far as this view reads them (every field validated). */
sealed interface DealsEvent {
    record ProductUpserted(String sku, String title, String category, long basePriceUsdCents) implements DealsEvent {}

    record ProductDeleted(String sku) implements DealsEvent {}

    record StockChanged(String sku, String region, int quantity) implements DealsEvent {}

    record PromotionUpserted(String promoId, String category, String region, int percentOff) implements DealsEvent {}

    record PromotionEnded(String promoId) implements DealsEvent {}

    record FxRateChanged(String currency, long usdRateMicros, int minorUnits) implements DealsEvent {}
}
