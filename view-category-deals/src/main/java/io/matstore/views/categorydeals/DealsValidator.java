package io.matstore.views.categorydeals;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.store.ViewValidator;
import io.matstore.views.categorydeals.fb.CategoryDealsResponse;
import io.matstore.views.categorydeals.fb.Deal;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The category-deals check of a candidate version (registered for {@link java.util.ServiceLoader}): the response is
 * filed under its own category, region, currency and tier, lists at most ten offers, and lists them cheapest first
 * (ties by sku) with no negative price. A list out of order is the bug an aggregation is most likely to have.
 */
public final class DealsValidator implements ViewValidator {
    private static final String[] DIMENSIONS = {"category", "region", "currency", "tier"};

    @Override
    public String name() {
        return "category-deals-response";
    }

    @Override
    public boolean appliesTo(String viewName) {
        return CategoryDealsContract.NAME.equals(viewName);
    }

    @Override
    public String check(
            ViewDescriptor candidateView, byte[] key, ResponseEnvelope candidate, ResponseEnvelope current) {
        List<String> dims = KeyCodec.decode(candidateView, key);
        ByteBuffer bytes = candidate.responseAsByteBuffer();
        if (bytes == null || bytes.remaining() < 8) {
            return "response is missing or shorter than a FlatBuffer";
        }
        try {
            CategoryDealsResponse r = CategoryDealsResponse.getRootAsCategoryDealsResponse(bytes.slice());
            String[] got = {r.category(), r.region(), r.currency(), r.tier()};
            for (int i = 0; i < got.length; i++) {
                String want = dims.get(candidateView.dimensionIndex(DIMENSIONS[i]));
                if (!want.equals(got[i])) {
                    return DIMENSIONS[i] + " " + got[i] + " is not the key's " + want;
                }
            }
            if (r.dealsLength() > CategoryDealsContract.LIMIT) {
                return r.dealsLength() + " deals > " + CategoryDealsContract.LIMIT;
            }
            Deal previous = null;
            for (int i = 0; i < r.dealsLength(); i++) {
                Deal d = r.deals(i);
                if (d.priceMinor() < 0) {
                    return "deal " + i + " (" + d.sku() + ") has price_minor " + d.priceMinor() + " < 0";
                }
                if (previous != null
                        && (previous.priceMinor() > d.priceMinor()
                                || previous.priceMinor() == d.priceMinor()
                                        && Prices.compareSkus(previous.sku(), d.sku()) >= 0)) {
                    return "deal " + i + " (" + d.sku() + ", " + d.priceMinor() + ") is not after deal " + (i - 1)
                            + " (" + previous.sku() + ", " + previous.priceMinor() + ")";
                }
                previous = d;
            }
            return null;
        } catch (RuntimeException e) {
            return "response does not decode as CategoryDealsResponse: " + e;
        }
    }
}
