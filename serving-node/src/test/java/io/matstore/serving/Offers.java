package io.matstore.serving;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.offers.fb.OfferResponse;

/** Builds offers envelopes the way the precompute job does (via schemas), for tests. */
public final class Offers {
    private Offers() {}

    /** An offer record; the envelope's key is built from its four dimensions. */
    public record Offer(
            String sku,
            String region,
            String currency,
            String tier,
            String title,
            String category,
            long priceMinor,
            int minorUnits,
            String promoId,
            int percentOff,
            int quantity,
            boolean inStock) {
        public byte[] key(ViewDescriptor view) {
            return KeyCodec.encode(view, sku, region, currency, tier);
        }

        public byte[] envelope(ViewDescriptor view, long contentHash, long computedAtMicros) {
            FlatBufferBuilder b = new FlatBufferBuilder(256);
            int r = OfferResponse.createOfferResponse(
                    b,
                    b.createString(sku),
                    b.createString(region),
                    b.createString(currency),
                    b.createString(tier),
                    b.createString(title),
                    b.createString(category),
                    priceMinor,
                    minorUnits,
                    b.createString(promoId),
                    percentOff,
                    quantity,
                    inStock,
                    0L);
            b.finish(r);
            return ResponseEnvelopes.encode(view, key(view), contentHash, computedAtMicros, b.sizedByteArray());
        }
    }

    /** The example of docs/views/offers.md. */
    public static final Offer MUG =
            new Offer("SKU-1", "eu", "EUR", "gold", "Mug", "kitchen", 1022, 2, "P-9", 10, 3, true);

    public static final String MUG_JSON = "{\"sku\":\"SKU-1\",\"region\":\"eu\",\"currency\":\"EUR\",\"tier\":\"gold\","
            + "\"title\":\"Mug\",\"category\":\"kitchen\",\"price_minor\":1022,\"minor_units\":2,\"promo_id\":\"P-9\","
            + "\"percent_off\":10,\"quantity\":3,\"in_stock\":true";

    public static final String MUG_QUERY = "sku=SKU-1&region=eu&currency=EUR&tier=gold";
}
