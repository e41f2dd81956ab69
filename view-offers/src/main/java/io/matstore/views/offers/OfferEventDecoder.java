package io.matstore.views.offers;

import io.matstore.precompute.InvalidEventException;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.offers.fb.FxRateChanged;
import io.matstore.schemas.offers.fb.OfferEvent;
import io.matstore.schemas.offers.fb.OfferEventBody;
import io.matstore.schemas.offers.fb.ProductDeleted;
import io.matstore.schemas.offers.fb.ProductUpserted;
import io.matstore.schemas.offers.fb.PromotionEnded;
import io.matstore.schemas.offers.fb.PromotionUpserted;
import io.matstore.schemas.offers.fb.StockChanged;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Turns record bytes into a validated {@link OffersEvent}, or says why not.
 *
 * <p>flatbuffers-java 2.0.8 has no verifier, so structure is checked here: the buffer must carry the MSO1 file
 * identifier, every read is bounds-checked by {@link ByteBuffer} and any exception it throws means "not an event".
 * Strings are read as byte slices ({@code xxxAsByteBuffer}, bounded by the buffer's limit) and decoded strictly,
 * never through the generated {@code String} accessors, which trust the length prefix and would allocate whatever a
 * corrupt length asks for. Absent title or category read as empty (the FlatBuffers default); an absent or empty
 * sku, region or promo_id is rejected.
 */
public final class OfferEventDecoder {
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private OfferEventDecoder() {}

    /** Longest string field (UTF-8 bytes) an event may carry unless configured otherwise: {@value}. */
    public static final int DEFAULT_MAX_STRING_BYTES = 4096;

    /** Decodes with the default string limit, {@link #DEFAULT_MAX_STRING_BYTES}. */
    public static OffersEvent decode(byte[] bytes) throws InvalidEventException {
        return decode(bytes, DEFAULT_MAX_STRING_BYTES);
    }

    /**
     * @param maxStringBytes longest string field, in UTF-8 bytes (setting
     *                       {@code view.offers.event.max.string.bytes}): one oversized title is copied into the
     *                       response of every region and currency, and a response too large for the view topic
     *                       would stop the job
     */
    public static OffersEvent decode(byte[] bytes, int maxStringBytes) throws InvalidEventException {
        if (bytes.length < 8) {
            throw new InvalidEventException("not an offers event: " + bytes.length + " bytes < 8");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (!OfferEvent.OfferEventBufferHasIdentifier(bb)) {
            throw new InvalidEventException("not an offers event: file identifier is not MSO1");
        }
        try {
            return new Reader(maxStringBytes).read(OfferEvent.getRootAsOfferEvent(bb));
        } catch (InvalidEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidEventException("undecodable offers event: " + e);
        }
    }

    /** One decode with its limit. */
    private static final class Reader {
        private final int maxStringBytes;

        Reader(int maxStringBytes) {
            this.maxStringBytes = maxStringBytes;
        }

        OffersEvent read(OfferEvent event) throws InvalidEventException {
            byte type = event.bodyType();
            switch (type) {
                case OfferEventBody.ProductUpserted: {
                    ProductUpserted e = (ProductUpserted) body(event, new ProductUpserted());
                    long price = e.basePriceUsdCents();
                    if (price < 0) {
                        throw new InvalidEventException("base_price_usd_cents=" + price + " < 0");
                    }
                    return new OffersEvent.ProductUpserted(
                            key("sku", e.skuAsByteBuffer()),
                            optional("title", e.titleAsByteBuffer()),
                            optional("category", e.categoryAsByteBuffer()),
                            price);
                }
                case OfferEventBody.ProductDeleted: {
                    ProductDeleted e = (ProductDeleted) body(event, new ProductDeleted());
                    return new OffersEvent.ProductDeleted(key("sku", e.skuAsByteBuffer()));
                }
                case OfferEventBody.StockChanged: {
                    StockChanged e = (StockChanged) body(event, new StockChanged());
                    int quantity = e.quantity();
                    if (quantity < 0) {
                        throw new InvalidEventException("quantity=" + quantity + " < 0");
                    }
                    return new OffersEvent.StockChanged(
                            key("sku", e.skuAsByteBuffer()), key("region", e.regionAsByteBuffer()), quantity);
                }
                case OfferEventBody.PromotionUpserted: {
                    PromotionUpserted e = (PromotionUpserted) body(event, new PromotionUpserted());
                    int percent = e.percentOff();
                    if (percent < 1 || percent > 90) {
                        throw new InvalidEventException("percent_off=" + percent + " is outside 1..90");
                    }
                    return new OffersEvent.PromotionUpserted(
                            key("promo_id", e.promoIdAsByteBuffer()),
                            optional("category", e.categoryAsByteBuffer()),
                            key("region", e.regionAsByteBuffer()),
                            percent);
                }
                case OfferEventBody.PromotionEnded: {
                    PromotionEnded e = (PromotionEnded) body(event, new PromotionEnded());
                    return new OffersEvent.PromotionEnded(key("promo_id", e.promoIdAsByteBuffer()));
                }
                case OfferEventBody.FxRateChanged: {
                    FxRateChanged e = (FxRateChanged) body(event, new FxRateChanged());
                    String currency = key("currency", e.currencyAsByteBuffer());
                    if (!CURRENCY.matcher(currency).matches()) {
                        throw new InvalidEventException("currency=\"" + currency + "\" is not 3 upper-case letters");
                    }
                    if (currency.equals(OffersView.USD)) {
                        throw new InvalidEventException(
                                "currency=USD is built in (rate 1000000, 2 minor units) and " + "cannot change");
                    }
                    long rate = e.usdRateMicros();
                    if (rate <= 0) {
                        throw new InvalidEventException("usd_rate_micros=" + rate + " <= 0");
                    }
                    int minor = e.minorUnits();
                    if (minor < 0 || minor > 3) {
                        throw new InvalidEventException("minor_units=" + minor + " is outside 0..3");
                    }
                    return new OffersEvent.FxRateChanged(currency, rate, minor);
                }
                default:
                    throw new InvalidEventException(
                            "unknown event type " + type + " (known 1.." + (OfferEventBody.names.length - 1) + ")");
            }
        }

        private static com.google.flatbuffers.Table body(OfferEvent event, com.google.flatbuffers.Table table)
                throws InvalidEventException {
            if (event.body(table) == null) {
                throw new InvalidEventException(
                        "event of type " + OfferEventBody.name(event.bodyType()) + " has no body");
            }
            return table;
        }

        /**
         * A string that is part of a key: present, non-empty, at most {@link KeyCodec#MAX_VALUE_BYTES} and at most the
         * string limit.
         */
        private String key(String field, ByteBuffer utf8) throws InvalidEventException {
            if (utf8 == null || !utf8.hasRemaining()) {
                throw new InvalidEventException(field + " is missing or empty");
            }
            if (utf8.remaining() > KeyCodec.MAX_VALUE_BYTES) {
                throw new InvalidEventException(
                        field + " is " + utf8.remaining() + " bytes > MAX_VALUE_BYTES=" + KeyCodec.MAX_VALUE_BYTES);
            }
            checkLength(field, utf8);
            return utf8(field, utf8);
        }

        private String optional(String field, ByteBuffer utf8) throws InvalidEventException {
            if (utf8 == null) {
                return "";
            }
            checkLength(field, utf8);
            return utf8(field, utf8);
        }

        private void checkLength(String field, ByteBuffer utf8) throws InvalidEventException {
            if (utf8.remaining() > maxStringBytes) {
                throw new InvalidEventException(field + " is " + utf8.remaining()
                        + " bytes > " + OffersSettings.PREFIX + OffersSettings.EVENT_MAX_STRING_BYTES + "="
                        + maxStringBytes);
            }
        }

        private static String utf8(String field, ByteBuffer utf8) throws InvalidEventException {
            try {
                CharBuffer chars = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(utf8);
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new InvalidEventException(field + " is not valid UTF-8");
            }
        }
    }
}
