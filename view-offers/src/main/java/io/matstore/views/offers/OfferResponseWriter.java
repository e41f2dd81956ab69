package io.matstore.views.offers;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.offers.fb.OfferResponse;

/**
 * Writes {@link OfferResponse}s of one version of the view into one reused builder (one writer per thread). The
 * output is a finished FlatBuffer without file identifier, read with {@code OfferResponse.getRootAsOfferResponse};
 * equal inputs give equal bytes, which content hashes rely on.
 *
 * <p>Version rules, which readers rely on:
 * <ul>
 *   <li>v1 never writes {@code list_price_minor}: its bytes are exactly those of the v1 schema (the vtable ends at
 *       {@code in_stock}).</li>
 *   <li>v2 always writes {@code list_price_minor}, even 0 (FlatBuffers would otherwise omit a default), so a reader
 *       that sees the field present knows the response is v2 or later, without the envelope's version.</li>
 * </ul>
 */
public final class OfferResponseWriter {
    private final FlatBufferBuilder builder = new FlatBufferBuilder(256);
    private final boolean writesListPrice;
    private final Utf8Memo skus = new Utf8Memo();
    private final Utf8Memo regions = new Utf8Memo();
    private final Utf8Memo currencies = new Utf8Memo();
    private final Utf8Memo tiers = new Utf8Memo();
    private final Utf8Memo titles = new Utf8Memo();
    private final Utf8Memo categories = new Utf8Memo();
    private final Utf8Memo promoIds = new Utf8Memo();

    public OfferResponseWriter(ViewDescriptor version) {
        this.writesListPrice = OffersContract.version(version.version()).version() >= 2;
    }

    /** @param listPriceMinor ignored by a v1 writer */
    public byte[] write(
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
            long listPriceMinor) {
        FlatBufferBuilder b = builder;
        b.clear();
        int skuOffset = skus.write(b, sku);
        int regionOffset = regions.write(b, region);
        int currencyOffset = currencies.write(b, currency);
        int tierOffset = tiers.write(b, tier);
        int titleOffset = titles.write(b, title);
        int categoryOffset = categories.write(b, category);
        int promoOffset = promoIds.write(b, promoId);
        // Same field order as the generated createOfferResponse (largest first), so the v1 path's bytes are the
        // ones the v1 schema's generated code wrote.
        OfferResponse.startOfferResponse(b);
        if (writesListPrice) {
            b.forceDefaults(true);
            OfferResponse.addListPriceMinor(b, listPriceMinor);
            b.forceDefaults(false);
        }
        OfferResponse.addPriceMinor(b, priceMinor);
        OfferResponse.addQuantity(b, quantity);
        OfferResponse.addPercentOff(b, percentOff);
        OfferResponse.addPromoId(b, promoOffset);
        OfferResponse.addMinorUnits(b, minorUnits);
        OfferResponse.addCategory(b, categoryOffset);
        OfferResponse.addTitle(b, titleOffset);
        OfferResponse.addTier(b, tierOffset);
        OfferResponse.addCurrency(b, currencyOffset);
        OfferResponse.addRegion(b, regionOffset);
        OfferResponse.addSku(b, skuOffset);
        OfferResponse.addInStock(b, quantity > 0);
        b.finish(OfferResponse.endOfferResponse(b));
        return b.sizedByteArray();
    }
}
