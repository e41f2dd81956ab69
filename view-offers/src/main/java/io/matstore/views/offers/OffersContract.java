package io.matstore.views.offers;

import io.matstore.schemas.ViewDescriptor;
import java.util.List;

/**
 * The fixed facts of the {@code offers} view that both sides of the view topic rely on (docs/views/offers.md,
 * docs/views/offers-v2.md). The generated FlatBuffers classes for its events and response live in
 * {@code io.matstore.schemas.offers.fb}.
 *
 * <p>Versions differ in the response only: v2 appends {@code list_price_minor} to {@code OfferResponse}. Keys,
 * dimensions and events are the same, so each version is its own topic ({@code view.offers.v<N>}) with the same keys.
 */
public final class OffersContract {
    /** offers v1: key = (sku, region, currency, tier), in this order. */
    public static final ViewDescriptor V1 = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");

    /** offers v2: as v1, and every response carries {@code list_price_minor}. */
    public static final ViewDescriptor V2 = V1.withVersion(2);

    /** Every version of the view, oldest first. */
    public static final List<ViewDescriptor> VERSIONS = List.of(V1, V2);

    public static final String TIER_STANDARD = "standard";
    public static final String TIER_GOLD = "gold";

    private OffersContract() {}

    /**
     * @throws IllegalArgumentException naming the version and the versions that exist
     */
    public static ViewDescriptor version(int version) {
        for (ViewDescriptor v : VERSIONS) {
            if (v.version() == version) {
                return v;
            }
        }
        throw new IllegalArgumentException("view offers has no version " + version + "; versions: " + versionNumbers());
    }

    /** The version numbers, oldest first, e.g. {@code [1, 2]}. */
    public static List<Integer> versionNumbers() {
        return VERSIONS.stream().map(ViewDescriptor::version).toList();
    }
}
