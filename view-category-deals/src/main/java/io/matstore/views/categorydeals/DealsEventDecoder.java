package io.matstore.views.categorydeals;

import io.matstore.precompute.InvalidEventException;
import io.matstore.schemas.offers.fb.FxRateChanged;
import io.matstore.schemas.offers.fb.OfferEvent;
import io.matstore.schemas.offers.fb.OfferEventBody;
import io.matstore.schemas.offers.fb.ProductDeleted;
import io.matstore.schemas.offers.fb.ProductUpserted;
import io.matstore.schemas.offers.fb.PromotionEnded;
import io.matstore.schemas.offers.fb.PromotionUpserted;
import io.matstore.schemas.offers.fb.StockChanged;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes and validates an offers source event with the ranges of the offers spec (docs/views/offers.md). The view
 * reads the same topic as offers but owns its reading of it: an event this view cannot use is dead-lettered by its own
 * job with its own reason.
 */
final class DealsEventDecoder {
    /** Longest string field, in UTF-8 bytes: a title is copied into up to ten entries of many responses. */
    static final int MAX_STRING_BYTES = 1024;

    private DealsEventDecoder() {}

    static DealsEvent decode(byte[] value) throws InvalidEventException {
        if (value == null || value.length < 8) {
            throw new InvalidEventException("value is missing or shorter than a FlatBuffer");
        }
        try {
            OfferEvent e = OfferEvent.getRootAsOfferEvent(ByteBuffer.wrap(value));
            switch (e.bodyType()) {
                case OfferEventBody.ProductUpserted -> {
                    ProductUpserted p = (ProductUpserted) e.body(new ProductUpserted());
                    return new DealsEvent.ProductUpserted(
                            required("sku", p.sku()),
                            text("title", p.title()),
                            text("category", p.category()),
                            atLeast("base_price_usd_cents", p.basePriceUsdCents(), 0));
                }
                case OfferEventBody.ProductDeleted -> {
                    ProductDeleted p = (ProductDeleted) e.body(new ProductDeleted());
                    return new DealsEvent.ProductDeleted(required("sku", p.sku()));
                }
                case OfferEventBody.StockChanged -> {
                    StockChanged s = (StockChanged) e.body(new StockChanged());
                    return new DealsEvent.StockChanged(required("sku", s.sku()), required("region", s.region()), (int)
                            atLeast("quantity", s.quantity(), 0));
                }
                case OfferEventBody.PromotionUpserted -> {
                    PromotionUpserted p = (PromotionUpserted) e.body(new PromotionUpserted());
                    int pct = p.percentOff();
                    if (pct < 1 || pct > 90) {
                        throw new InvalidEventException("percent_off=" + pct + " is not in 1..90");
                    }
                    return new DealsEvent.PromotionUpserted(
                            required("promo_id", p.promoId()),
                            text("category", p.category()),
                            required("region", p.region()),
                            pct);
                }
                case OfferEventBody.PromotionEnded -> {
                    PromotionEnded p = (PromotionEnded) e.body(new PromotionEnded());
                    return new DealsEvent.PromotionEnded(required("promo_id", p.promoId()));
                }
                case OfferEventBody.FxRateChanged -> {
                    FxRateChanged f = (FxRateChanged) e.body(new FxRateChanged());
                    String currency = required("currency", f.currency());
                    if (!currency.matches("[A-Z]{3}")) {
                        throw new InvalidEventException("currency=" + currency + " is not 3 upper-case letters");
                    }
                    if (Prices.USD.equals(currency)) {
                        throw new InvalidEventException("currency=USD is built in and cannot change");
                    }
                    long rate = atLeast("usd_rate_micros", f.usdRateMicros(), 1);
                    int minor = f.minorUnits();
                    if (minor < 0 || minor > 3) {
                        throw new InvalidEventException("minor_units=" + minor + " is not in 0..3");
                    }
                    return new DealsEvent.FxRateChanged(currency, rate, minor);
                }
                default -> throw new InvalidEventException("unknown event body type " + e.bodyType());
            }
        } catch (InvalidEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidEventException("value does not decode as OfferEvent: " + e);
        }
    }

    private static String text(String field, String value) throws InvalidEventException {
        String v = value == null ? "" : value;
        int bytes = v.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_STRING_BYTES) {
            throw new InvalidEventException(field + " of " + bytes + " bytes > " + MAX_STRING_BYTES);
        }
        return v;
    }

    private static String required(String field, String value) throws InvalidEventException {
        String v = text(field, value);
        if (v.isEmpty()) {
            throw new InvalidEventException(field + " is missing or empty");
        }
        return v;
    }

    private static long atLeast(String field, long value, long min) throws InvalidEventException {
        if (value < min) {
            throw new InvalidEventException(field + "=" + value + " < " + min);
        }
        return value;
    }
}
