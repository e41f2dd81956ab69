package io.matstore.views.categorydeals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Byte layouts of the view's state stores. Keys that hold two strings length-prefix the first, so any byte may
 * appear in either and a category's index entries form one prefix:
 *
 * <pre>
 *   products     sku                                   → category, title, base_price_usd_cents
 *   by-category  u32 len(category) | category | sku    → (empty)
 *   stock        u32 len(sku) | sku | region           → quantity
 *   promotions   promo_id                              → category, region, percent_off
 *   fx           currency                              → usd_rate_micros, minor_units
 * </pre>
 * Strings in values are {@link DataOutputStream#writeUTF} (modified UTF-8, up to 65535 bytes: the decoder caps
 * fields at {@link DealsEventDecoder#MAX_STRING_BYTES}).
 */
final class DealsState {
    private DealsState() {}

    record Product(String category, String title, long baseUsdCents) {}

    record Promotion(String category, String region, int percentOff) {}

    record Fx(long usdRateMicros, int minorUnits) {}

    static Bytes key(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static Bytes pair(String first, String second) {
        byte[] a = first.getBytes(StandardCharsets.UTF_8);
        byte[] b = second.getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[4 + a.length + b.length];
        k[0] = (byte) (a.length >>> 24);
        k[1] = (byte) (a.length >>> 16);
        k[2] = (byte) (a.length >>> 8);
        k[3] = (byte) a.length;
        System.arraycopy(a, 0, k, 4, a.length);
        System.arraycopy(b, 0, k, 4 + a.length, b.length);
        return Bytes.wrap(k);
    }

    /** The second string of a {@link #pair} key. */
    static String second(byte[] pairKey) {
        int len = ((pairKey[0] & 0xFF) << 24)
                | ((pairKey[1] & 0xFF) << 16)
                | ((pairKey[2] & 0xFF) << 8)
                | (pairKey[3] & 0xFF);
        return new String(pairKey, 4 + len, pairKey.length - 4 - len, StandardCharsets.UTF_8);
    }

    /** The first string of a {@link #pair} key. */
    static String first(byte[] pairKey) {
        int len = ((pairKey[0] & 0xFF) << 24)
                | ((pairKey[1] & 0xFF) << 16)
                | ((pairKey[2] & 0xFF) << 8)
                | (pairKey[3] & 0xFF);
        return new String(pairKey, 4, len, StandardCharsets.UTF_8);
    }

    static byte[] product(Product p) {
        return write(out -> {
            out.writeUTF(p.category());
            out.writeUTF(p.title());
            out.writeLong(p.baseUsdCents());
        });
    }

    static Product product(byte[] v) {
        return read(v, in -> new Product(in.readUTF(), in.readUTF(), in.readLong()));
    }

    static byte[] promotion(Promotion p) {
        return write(out -> {
            out.writeUTF(p.category());
            out.writeUTF(p.region());
            out.writeInt(p.percentOff());
        });
    }

    static Promotion promotion(byte[] v) {
        return read(v, in -> new Promotion(in.readUTF(), in.readUTF(), in.readInt()));
    }

    static byte[] fx(Fx f) {
        return write(out -> {
            out.writeLong(f.usdRateMicros());
            out.writeInt(f.minorUnits());
        });
    }

    static Fx fx(byte[] v) {
        return read(v, in -> new Fx(in.readLong(), in.readInt()));
    }

    static byte[] quantity(int q) {
        return write(out -> out.writeInt(q));
    }

    static int quantity(byte[] v) {
        return v == null ? 0 : read(v, DataInputStream::readInt);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] v, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(v))) {
            return r.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt state value", e);
        }
    }
}
