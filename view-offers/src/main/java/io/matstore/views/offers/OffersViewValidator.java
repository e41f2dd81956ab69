package io.matstore.views.offers;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.store.ViewValidator;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The {@code offers} view's check of a candidate version (registered for {@link java.util.ServiceLoader}): the
 * nested response decodes as an {@code OfferResponse} whose sku, region, currency and tier are the key's own
 * values (a response filed under another combination is the bug this catches), and its price is not negative.
 * Fields added by later versions are not looked at, so it applies to every version of the view.
 */
public final class OffersViewValidator implements ViewValidator {
    private static final String[] DIMENSIONS = {"sku", "region", "currency", "tier"};

    @Override
    public String name() {
        return "offers-response";
    }

    @Override
    public boolean appliesTo(String viewName) {
        return "offers".equals(viewName);
    }

    @Override
    public String check(
            ViewDescriptor candidateView, byte[] key, ResponseEnvelope candidate, ResponseEnvelope current) {
        List<String> dims = KeyCodec.decode(candidateView, key);
        ByteBuffer bytes = candidate.responseAsByteBuffer();
        if (bytes == null || bytes.remaining() < 8) {
            return "response is missing or shorter than a FlatBuffer";
        }
        OfferResponse r;
        String[] got;
        try {
            r = OfferResponse.getRootAsOfferResponse(bytes.slice());
            got = new String[] {r.sku(), r.region(), r.currency(), r.tier()};
        } catch (RuntimeException e) {
            return "response does not decode as OfferResponse: " + e;
        }
        for (int i = 0; i < got.length; i++) {
            int index = candidateView.dimensionIndex(DIMENSIONS[i]);
            if (index < 0) {
                return "the view has no dimension " + DIMENSIONS[i] + ": " + candidateView.dimensions();
            }
            String want = dims.get(index);
            if (!want.equals(got[i])) {
                return DIMENSIONS[i] + " " + got[i] + " is not the key's " + want;
            }
        }
        if (r.priceMinor() < 0) {
            return "price_minor " + r.priceMinor() + " < 0";
        }
        return null;
    }
}
