package io.matstore.schemas.offers;

import io.matstore.schemas.ViewDescriptor;

/**
 * The fixed facts of the {@code offers} view that both sides of the view topic rely on (shared/views/offers.md).
 * The generated FlatBuffers classes for its events and response live in {@code io.matstore.schemas.offers.fb}.
 */
public final class OffersContract {
    /** offers v1: key = (sku, region, currency, tier), in this order. */
    public static final ViewDescriptor V1 = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");

    public static final String TIER_STANDARD = "standard";
    public static final String TIER_GOLD = "gold";

    private OffersContract() {
    }
}
