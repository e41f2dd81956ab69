package io.matstore.it.faults;

import io.matstore.it.precompute.OffersReference;
import io.matstore.views.offers.OffersEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The reference of the fault run: the validity rules of docs/views/offers.md and docs/precompute.md (field limits,
 * {@code view.offers.event.max.string.bytes}, the FX hold of {@code view.offers.fx.max.change.factor}) written out
 * plainly, in front of {@link OffersReference}'s pricing. Like it, shares no code with the job: an event the job
 * dead-letters or holds is one this class refuses by its own reading of the rules.
 */
final class FaultRunReference {
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private final OffersReference offers;
    private final int maxStringBytes;
    private final double maxFxFactor;
    /** The last rate let through, per currency: the base a later change is measured against. */
    private final Map<String, Long> acceptedRates = new HashMap<>();

    private int refused;

    FaultRunReference(List<String> regions, int maxStringBytes, double maxFxFactor) {
        this.offers = new OffersReference(regions);
        this.maxStringBytes = maxStringBytes;
        this.maxFxFactor = maxFxFactor;
    }

    /** Applies a decodable event, or counts it refused when the job must dead-letter or hold it. */
    void apply(OffersEvent event) {
        if (valid(event)) {
            offers.apply(event);
        } else {
            refused++;
        }
    }

    /** Undecodable bytes: always refused. */
    void applyGarbage() {
        refused++;
    }

    int refused() {
        return refused;
    }

    Map<List<String>, OffersReference.Offer> responses() {
        return offers.responses();
    }

    private boolean valid(OffersEvent event) {
        if (event instanceof OffersEvent.ProductUpserted e) {
            return fits(e.sku(), e.title(), e.category()) && !e.sku().isEmpty() && e.basePriceUsdCents() >= 0;
        } else if (event instanceof OffersEvent.ProductDeleted e) {
            return fits(e.sku()) && !e.sku().isEmpty();
        } else if (event instanceof OffersEvent.StockChanged e) {
            return fits(e.sku(), e.region()) && e.quantity() >= 0;
        } else if (event instanceof OffersEvent.PromotionUpserted e) {
            return fits(e.promoId(), e.category(), e.region()) && e.percentOff() >= 1 && e.percentOff() <= 90;
        } else if (event instanceof OffersEvent.PromotionEnded e) {
            return fits(e.promoId());
        } else if (event instanceof OffersEvent.FxRateChanged e) {
            if (!CURRENCY.matcher(e.currency()).matches()
                    || e.currency().equals("USD")
                    || e.usdRateMicros() <= 0
                    || e.minorUnits() < 0
                    || e.minorUnits() > 3) {
                return false;
            }
            Long before = acceptedRates.get(e.currency());
            if (before != null) {
                double up = (double) e.usdRateMicros() / before;
                if (up > maxFxFactor || 1 / up > maxFxFactor) {
                    return false; // held: dead-lettered, not applied, and not the base of the next change
                }
            }
            acceptedRates.put(e.currency(), e.usdRateMicros());
            return true;
        }
        return false;
    }

    private boolean fits(String... fields) {
        for (String f : fields) {
            if (f.getBytes(StandardCharsets.UTF_8).length > maxStringBytes) {
                return false;
            }
        }
        return true;
    }
}
