package io.matstore.views.offers;

/**
 * One (sku, region, currency, tier) of the offers view, with the product as the task last read it ({@code null}
 * when the product no longer exists, so the combination is outside the space).
 */
public record OfferCombination(String sku, StoreCodec.Product product, String region, String currency, String tier) {}
