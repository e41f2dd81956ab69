package io.matstore.views.categorydeals;

import io.matstore.view.json.Ascii;
import io.matstore.view.json.FlatBufferFields;
import io.matstore.view.json.Json;
import io.matstore.view.json.JsonRenderer;
import io.netty.buffer.ByteBuf;

/**
 * A category-deals response as docs/views/category-deals.md renders it, read in place (slots follow
 * {@code category_deals.fbs}) and written without allocating:
 * {@code {"category":..,"region":..,"currency":..,"tier":..,"minor_units":2,"deals":[{"sku":..,"title":..,
 * "price_minor":..},...]}}.
 */
final class DealsJsonRenderer implements JsonRenderer {
    private static final byte[] CATEGORY = Ascii.bytes("{\"category\":");
    private static final byte[] REGION = Ascii.bytes(",\"region\":");
    private static final byte[] CURRENCY = Ascii.bytes(",\"currency\":");
    private static final byte[] TIER = Ascii.bytes(",\"tier\":");
    private static final byte[] MINOR_UNITS = Ascii.bytes(",\"minor_units\":");
    private static final byte[] DEALS = Ascii.bytes(",\"deals\":[");
    private static final byte[] SKU = Ascii.bytes("{\"sku\":");
    private static final byte[] TITLE = Ascii.bytes(",\"title\":");
    private static final byte[] PRICE_MINOR = Ascii.bytes(",\"price_minor\":");
    private static final int DEALS_SLOT = 5;

    @Override
    public void renderFields(ByteBuf src, int response, ByteBuf out) {
        int t = FlatBufferFields.root(src, response);
        Json.raw(out, CATEGORY);
        Json.stringField(out, src, t, 0);
        Json.raw(out, REGION);
        Json.stringField(out, src, t, 1);
        Json.raw(out, CURRENCY);
        Json.stringField(out, src, t, 2);
        Json.raw(out, TIER);
        Json.stringField(out, src, t, 3);
        Json.raw(out, MINOR_UNITS);
        Ascii.writeDecimal(out, FlatBufferFields.intField(src, t, 4));
        Json.raw(out, DEALS);
        int vector = FlatBufferFields.vector(src, t, DEALS_SLOT);
        int n = vector < 0 ? 0 : src.getIntLE(vector);
        for (int i = 0; i < n; i++) {
            int element = vector + 4 + 4 * i;
            int deal = element + src.getIntLE(element); // a vector of tables holds uoffset32s to them
            if (i > 0) {
                out.writeByte(',');
            }
            Json.raw(out, SKU);
            Json.stringField(out, src, deal, 0);
            Json.raw(out, TITLE);
            Json.stringField(out, src, deal, 1);
            Json.raw(out, PRICE_MINOR);
            Ascii.writeDecimal(out, FlatBufferFields.longField(src, deal, 2));
            out.writeByte('}');
        }
        out.writeByte(']');
    }
}
