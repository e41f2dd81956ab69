package io.matstore.views.offers;

import io.matstore.view.json.Ascii;
import io.matstore.view.json.FlatBufferFields;
import io.matstore.view.json.Json;
import io.matstore.view.json.JsonRenderer;
import io.netty.buffer.ByteBuf;

/**
 * The {@code offers} response as docs/views/offers.md renders it: these field names in this order, integers as
 * JSON numbers. Slots follow OfferResponse in schemas/offers.fbs.
 *
 * <p>Every version of the view goes through this one renderer. v2 (docs/views/offers-v2.md) adds
 * {@code "list_price_minor"} right after {@code "price_minor"}; it is rendered when the field is present in the
 * FlatBuffer, which v2 writers guarantee even for 0 and v1 writers never do. Presence rather than the envelope's
 * version, so the renderer needs nothing but the response bytes, and a v1 response renders byte for byte as before.
 */
public final class OffersJsonRenderer implements JsonRenderer {
    private static final byte[] SKU = Ascii.bytes("{\"sku\":");
    private static final byte[] REGION = Ascii.bytes(",\"region\":");
    private static final byte[] CURRENCY = Ascii.bytes(",\"currency\":");
    private static final byte[] TIER = Ascii.bytes(",\"tier\":");
    private static final byte[] TITLE = Ascii.bytes(",\"title\":");
    private static final byte[] CATEGORY = Ascii.bytes(",\"category\":");
    private static final byte[] PRICE_MINOR = Ascii.bytes(",\"price_minor\":");
    private static final byte[] LIST_PRICE_MINOR = Ascii.bytes(",\"list_price_minor\":");
    private static final byte[] MINOR_UNITS = Ascii.bytes(",\"minor_units\":");
    private static final byte[] PROMO_ID = Ascii.bytes(",\"promo_id\":");
    private static final byte[] PERCENT_OFF = Ascii.bytes(",\"percent_off\":");
    private static final byte[] QUANTITY = Ascii.bytes(",\"quantity\":");
    private static final byte[] IN_STOCK = Ascii.bytes(",\"in_stock\":");

    /** Slot of list_price_minor, the field v2 appended. */
    private static final int LIST_PRICE_SLOT = 12;

    @Override
    public void renderFields(ByteBuf src, int response, ByteBuf out) {
        int t = FlatBufferFields.root(src, response);
        Json.raw(out, SKU);
        Json.stringField(out, src, t, 0);
        Json.raw(out, REGION);
        Json.stringField(out, src, t, 1);
        Json.raw(out, CURRENCY);
        Json.stringField(out, src, t, 2);
        Json.raw(out, TIER);
        Json.stringField(out, src, t, 3);
        Json.raw(out, TITLE);
        Json.stringField(out, src, t, 4);
        Json.raw(out, CATEGORY);
        Json.stringField(out, src, t, 5);
        Json.raw(out, PRICE_MINOR);
        Ascii.writeDecimal(out, FlatBufferFields.longField(src, t, 6));
        if (FlatBufferFields.field(src, t, LIST_PRICE_SLOT) != 0) {
            Json.raw(out, LIST_PRICE_MINOR);
            Ascii.writeDecimal(out, FlatBufferFields.longField(src, t, LIST_PRICE_SLOT));
        }
        Json.raw(out, MINOR_UNITS);
        Ascii.writeDecimal(out, FlatBufferFields.intField(src, t, 7));
        Json.raw(out, PROMO_ID);
        Json.stringField(out, src, t, 8);
        Json.raw(out, PERCENT_OFF);
        Ascii.writeDecimal(out, FlatBufferFields.intField(src, t, 9));
        Json.raw(out, QUANTITY);
        Ascii.writeDecimal(out, FlatBufferFields.intField(src, t, 10));
        Json.raw(out, IN_STOCK);
        Json.bool(out, FlatBufferFields.boolField(src, t, 11));
    }
}
