package io.matstore.views.offers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Byte layouts of the offers stores. Composite keys are a sequence of length-prefixed UTF-8 strings, so the
 * encoding of the first parts is a prefix of every key that starts with them and of no other: a prefix scan over
 * {@code (category)} finds exactly that category's entries, whatever bytes the strings contain.
 *
 * <pre>
 *   key:     [len u32 BE][utf8] [len u32 BE][utf8] ...
 *   product: [price i64][len u32][title utf8][len u32][category utf8]
 *   promo:   [percent i32][len u32][category utf8][len u32][region utf8]
 *   fx:      [usd_rate_micros i64][minor_units i32]
 *   stock:   [quantity i32]
 *   fx fan-out cursor: [event timestamp i64][len u32][key of the last product done]
 * </pre>
 */
final class StoreCodec {
    private StoreCodec() {}

    static Bytes key(String... parts) {
        byte[][] utf8 = new byte[parts.length][];
        int length = 0;
        for (int i = 0; i < parts.length; i++) {
            utf8[i] = parts[i].getBytes(StandardCharsets.UTF_8);
            length += 4 + utf8[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : utf8) {
            out.putInt(part.length).put(part);
        }
        return Bytes.wrap(out.array());
    }

    /** The parts of a composite key, in order. */
    static String[] parts(Bytes key, int count) {
        ByteBuffer in = ByteBuffer.wrap(key.get());
        String[] out = new String[count];
        for (int i = 0; i < count; i++) {
            out[i] = string(in);
        }
        return out;
    }

    record Product(String sku, String title, String category, long basePriceUsdCents) {}

    static byte[] product(Product p) {
        byte[] title = p.title().getBytes(StandardCharsets.UTF_8);
        byte[] category = p.category().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 4 + title.length + 4 + category.length)
                .putLong(p.basePriceUsdCents())
                .putInt(title.length)
                .put(title)
                .putInt(category.length)
                .put(category)
                .array();
    }

    static Product product(String sku, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long price = in.getLong();
        return new Product(sku, string(in), string(in), price);
    }

    record Promotion(String promoId, String category, String region, int percentOff) {}

    static byte[] promotion(Promotion p) {
        byte[] category = p.category().getBytes(StandardCharsets.UTF_8);
        byte[] region = p.region().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + 4 + category.length + 4 + region.length)
                .putInt(p.percentOff())
                .putInt(category.length)
                .put(category)
                .putInt(region.length)
                .put(region)
                .array();
    }

    static Promotion promotion(String promoId, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int percent = in.getInt();
        return new Promotion(promoId, string(in), string(in), percent);
    }

    record Fx(String currency, long usdRateMicros, int minorUnits) {}

    static byte[] fx(Fx fx) {
        return ByteBuffer.allocate(12)
                .putLong(fx.usdRateMicros())
                .putInt(fx.minorUnits())
                .array();
    }

    static Fx fx(String currency, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new Fx(currency, in.getLong(), in.getInt());
    }

    static byte[] fanOutCursor(long eventTimestamp, Bytes lastProductKey) {
        byte[] last = lastProductKey.get();
        return ByteBuffer.allocate(8 + 4 + last.length)
                .putLong(eventTimestamp)
                .putInt(last.length)
                .put(last)
                .array();
    }

    static long fanOutTimestamp(byte[] cursor) {
        return ByteBuffer.wrap(cursor).getLong();
    }

    static Bytes fanOutLast(byte[] cursor) {
        ByteBuffer in = ByteBuffer.wrap(cursor);
        in.position(8);
        byte[] last = new byte[in.getInt()];
        in.get(last);
        return Bytes.wrap(last);
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static int int32(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getInt();
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }
}
