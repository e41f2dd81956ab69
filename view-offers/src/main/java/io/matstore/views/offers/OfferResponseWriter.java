package io.matstore.views.offers;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.TemplateSentinels;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.offers.fb.OfferResponse;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes {@link OfferResponse}s of one version of the view (one writer per thread: it keeps a builder and
 * templates). The output is a finished FlatBuffer without file identifier, read with
 * {@code OfferResponse.getRootAsOfferResponse}; equal inputs give equal bytes, which content hashes rely on.
 *
 * <p>Version rules, which readers rely on:
 * <ul>
 *   <li>v1 never writes {@code list_price_minor}: its bytes are exactly those of the v1 schema (the vtable ends at
 *       {@code in_stock}).</li>
 *   <li>v2 always writes {@code list_price_minor}, even 0 (FlatBuffers would otherwise omit a default), so a reader
 *       that sees the field present knows the response is v2 or later, without the envelope's version.</li>
 * </ul>
 *
 * <p>The builder lays out a response by the lengths of its strings and by which scalars hold their default (which
 * FlatBuffers leaves out), never by the values themselves. So the writer builds each such shape once, with zeroed
 * strings and sentinel scalars, remembers where every value went, and from then on writes a response by copying
 * that template and patching the values in: an FX fan-out's responses share a few dozen shapes, and the builder's
 * per-response work (strings, vtable, the copy out) was ~16 % of the stream thread (docs/benchmarks.md, "Goal 8:
 * responses and envelopes from templates"). The bytes are the builder's ({@code OfferResponseWriterTest} compares
 * them on random inputs).
 */
public final class OfferResponseWriter {
    private static final int SLOTS = 256;
    private static final int STRINGS = 7;
    // shape: the strings' UTF-8 lengths, then the flags of the scalars present
    private static final int SHAPE = STRINGS + 1;
    private static final int PRICE = 1;
    private static final int MINOR_UNITS = 2;
    private static final int PERCENT_OFF = 4;
    private static final int QUANTITY = 8;
    private static final int IN_STOCK = 16;
    private static final long PRICE_SENTINEL = 0x1B2C3D4E5F60718AL;
    private static final long LIST_PRICE_SENTINEL = 0x2A3B4C5D6E7F8091L;
    private static final int MINOR_UNITS_SENTINEL = 0x3C4D5E6F;
    private static final int PERCENT_OFF_SENTINEL = 0x4D5E6F70;
    private static final int QUANTITY_SENTINEL = 0x5E6F7081;
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final FlatBufferBuilder builder = new FlatBufferBuilder(256);
    private final boolean writesListPrice;
    private final Utf8Memo skus = new Utf8Memo();
    private final Utf8Memo regions = new Utf8Memo();
    private final Utf8Memo currencies = new Utf8Memo();
    private final Utf8Memo tiers = new Utf8Memo();
    private final Utf8Memo titles = new Utf8Memo();
    private final Utf8Memo categories = new Utf8Memo();
    private final Utf8Memo promoIds = new Utf8Memo();
    private final ByteBuffer[] utf8 = new ByteBuffer[STRINGS];
    private final int[] shape = new int[SHAPE];
    private final int[] shapes = new int[SLOTS * SHAPE];
    private final byte[][] templates = new byte[SLOTS][];
    // per slot: where each string's bytes start, then price, list price, minor units, percent off, quantity
    private final int[] offsets = new int[SLOTS * (STRINGS + 5)];

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
        utf8[0] = skus.utf8(sku);
        utf8[1] = regions.utf8(region);
        utf8[2] = currencies.utf8(currency);
        utf8[3] = tiers.utf8(tier);
        utf8[4] = titles.utf8(title);
        utf8[5] = categories.utf8(category);
        utf8[6] = promoIds.utf8(promoId);
        int hash = 0;
        for (int i = 0; i < STRINGS; i++) {
            shape[i] = utf8[i].remaining();
            hash = hash * 31 + shape[i];
        }
        shape[STRINGS] = (priceMinor != 0 ? PRICE : 0)
                | (minorUnits != 0 ? MINOR_UNITS : 0)
                | (percentOff != 0 ? PERCENT_OFF : 0)
                | (quantity != 0 ? QUANTITY : 0)
                | (quantity > 0 ? IN_STOCK : 0);
        hash = hash * 31 + shape[STRINGS];
        int slot = (hash * 0x9E3779B9 >>> 24) & (SLOTS - 1);
        byte[] template = templates[slot];
        if (template == null || !Arrays.equals(shapes, slot * SHAPE, slot * SHAPE + SHAPE, shape, 0, SHAPE)) {
            template = layOut(slot);
        }
        byte[] out = Arrays.copyOf(template, template.length);
        int at = slot * (STRINGS + 5);
        for (int i = 0; i < STRINGS; i++) {
            ByteBuffer s = utf8[i];
            s.get(0, out, offsets[at + i], s.remaining());
        }
        at += STRINGS;
        if (priceMinor != 0) {
            LONG_LE.set(out, offsets[at], priceMinor);
        }
        if (writesListPrice) {
            LONG_LE.set(out, offsets[at + 1], listPriceMinor);
        }
        if (minorUnits != 0) {
            INT_LE.set(out, offsets[at + 2], minorUnits);
        }
        if (percentOff != 0) {
            INT_LE.set(out, offsets[at + 3], percentOff);
        }
        if (quantity != 0) {
            INT_LE.set(out, offsets[at + 4], quantity);
        }
        return out;
    }

    /** Builds the current shape's template into {@code slot}: zeroed strings, sentinels where scalars go. */
    private byte[] layOut(int slot) {
        int flags = shape[STRINGS];
        byte[] template = build(
                new ByteBuffer[] {
                    zeros(shape[0]),
                    zeros(shape[1]),
                    zeros(shape[2]),
                    zeros(shape[3]),
                    zeros(shape[4]),
                    zeros(shape[5]),
                    zeros(shape[6])
                },
                (flags & PRICE) != 0 ? PRICE_SENTINEL : 0,
                (flags & MINOR_UNITS) != 0 ? MINOR_UNITS_SENTINEL : 0,
                (flags & PERCENT_OFF) != 0 ? PERCENT_OFF_SENTINEL : 0,
                // the quantity's sign alone decides in_stock, which the template keeps
                (flags & QUANTITY) == 0 ? 0 : (flags & IN_STOCK) != 0 ? QUANTITY_SENTINEL : -QUANTITY_SENTINEL,
                LIST_PRICE_SENTINEL);
        OfferResponse r = OfferResponse.getRootAsOfferResponse(ByteBuffer.wrap(template));
        int at = slot * (STRINGS + 5);
        offsets[at] = r.skuAsByteBuffer().position();
        offsets[at + 1] = r.regionAsByteBuffer().position();
        offsets[at + 2] = r.currencyAsByteBuffer().position();
        offsets[at + 3] = r.tierAsByteBuffer().position();
        offsets[at + 4] = r.titleAsByteBuffer().position();
        offsets[at + 5] = r.categoryAsByteBuffer().position();
        offsets[at + 6] = r.promoIdAsByteBuffer().position();
        at += STRINGS;
        offsets[at] = (flags & PRICE) != 0 ? TemplateSentinels.clearLong(template, PRICE_SENTINEL) : -1;
        offsets[at + 1] = writesListPrice ? TemplateSentinels.clearLong(template, LIST_PRICE_SENTINEL) : -1;
        offsets[at + 2] = (flags & MINOR_UNITS) != 0 ? TemplateSentinels.clearInt(template, MINOR_UNITS_SENTINEL) : -1;
        offsets[at + 3] = (flags & PERCENT_OFF) != 0 ? TemplateSentinels.clearInt(template, PERCENT_OFF_SENTINEL) : -1;
        offsets[at + 4] = (flags & QUANTITY) == 0
                ? -1
                : TemplateSentinels.clearInt(
                        template, (flags & IN_STOCK) != 0 ? QUANTITY_SENTINEL : -QUANTITY_SENTINEL);
        System.arraycopy(shape, 0, shapes, slot * SHAPE, SHAPE);
        templates[slot] = template;
        return template;
    }

    /**
     * What the builder writes for these values: the templates' source, and the bytes {@link #write} must equal. Reads
     * each string buffer from 0 to its limit and leaves its position at the limit.
     */
    byte[] build(ByteBuffer[] strings, long priceMinor, int minorUnits, int percentOff, int quantity, long listPrice) {
        FlatBufferBuilder b = builder;
        b.clear();
        int[] stringAt = new int[STRINGS];
        for (int i = 0; i < STRINGS; i++) {
            stringAt[i] = b.createString(strings[i].rewind());
        }
        // Same field order as the generated createOfferResponse (largest first), so the v1 path's bytes are the
        // ones the v1 schema's generated code wrote.
        OfferResponse.startOfferResponse(b);
        if (writesListPrice) {
            b.forceDefaults(true);
            OfferResponse.addListPriceMinor(b, listPrice);
            b.forceDefaults(false);
        }
        OfferResponse.addPriceMinor(b, priceMinor);
        OfferResponse.addQuantity(b, quantity);
        OfferResponse.addPercentOff(b, percentOff);
        OfferResponse.addPromoId(b, stringAt[6]);
        OfferResponse.addMinorUnits(b, minorUnits);
        OfferResponse.addCategory(b, stringAt[5]);
        OfferResponse.addTitle(b, stringAt[4]);
        OfferResponse.addTier(b, stringAt[3]);
        OfferResponse.addCurrency(b, stringAt[2]);
        OfferResponse.addRegion(b, stringAt[1]);
        OfferResponse.addSku(b, stringAt[0]);
        OfferResponse.addInStock(b, quantity > 0);
        b.finish(OfferResponse.endOfferResponse(b));
        return b.sizedByteArray();
    }

    private static ByteBuffer zeros(int length) {
        return ByteBuffer.allocate(length);
    }
}
