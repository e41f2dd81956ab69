package io.matstore.precompute.offers;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.offers.fb.OfferResponse;

/**
 * Encodes {@link OfferResponse}s into one reused builder (one per task). The output is a finished FlatBuffer
 * without file identifier, read with {@code OfferResponse.getRootAsOfferResponse}; equal inputs give equal bytes,
 * which the content hash relies on.
 */
final class OfferResponses {
    private final FlatBufferBuilder builder = new FlatBufferBuilder(256);

    byte[] encode(String sku, String region, String currency, String tier, String title, String category,
                  long priceMinor, int minorUnits, String promoId, int percentOff, int quantity) {
        builder.clear();
        int skuOffset = builder.createString(sku);
        int regionOffset = builder.createString(region);
        int currencyOffset = builder.createString(currency);
        int tierOffset = builder.createString(tier);
        int titleOffset = builder.createString(title);
        int categoryOffset = builder.createString(category);
        int promoOffset = builder.createString(promoId);
        int response = OfferResponse.createOfferResponse(builder, skuOffset, regionOffset, currencyOffset, tierOffset,
                titleOffset, categoryOffset, priceMinor, minorUnits, promoOffset, percentOff, quantity, quantity > 0);
        builder.finish(response);
        return builder.sizedByteArray();
    }
}
