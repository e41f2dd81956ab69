package io.matstore.views.offers;

import com.google.flatbuffers.FlatBufferBuilder;
import com.google.flatbuffers.Utf8;
import java.nio.ByteBuffer;

/**
 * The UTF-8 of one field's strings, remembering the UTF-8 of the last {@value #ENTRIES} distinct
 * strings written, compared by identity. An FX fan-out writes each product's sku, title and category for every one of
 * its combinations, and region, currency and tier from a handful of shared instances (a product's regions follow
 * each other, four of them in the bench, which a memo of two missed every time), so most strings are copied as bytes
 * instead of encoded again: the FlatBuffers UTF-8 encoder was ~5 % of the stream thread in a fan-out's JFR profile
 * (docs/benchmarks.md, "Goal 8, third round").
 *
 * <p>A string seen for the first time is encoded by the encoder a builder uses by default ({@link Utf8#getDefault()}),
 * and its bytes are kept: the output is byte for byte what {@link FlatBufferBuilder#createString(CharSequence)}
 * writes, including its refusal of an unpaired surrogate (the writer's builder uses that default encoder). Identity,
 * not equality, so a hit costs a few comparisons and a stale entry can never be wrong.
 */
final class Utf8Memo {
    private static final int ENTRIES = 8;
    private final Object[] strings = new Object[ENTRIES];
    private final ByteBuffer[] utf8s = new ByteBuffer[ENTRIES];
    private int next;

    /** @return the string's UTF-8, from position 0 to its limit; the caller must not change the buffer */
    ByteBuffer utf8(String s) {
        for (int i = 0; i < ENTRIES; i++) {
            if (same(s, strings[i])) {
                return utf8s[i];
            }
        }
        // the encoder FlatBufferBuilder uses by default, so the same bytes and the same errors
        ByteBuffer utf8 = ByteBuffer.allocate(Utf8.getDefault().encodedLength(s));
        Utf8.getDefault().encodeUtf8(s, utf8);
        strings[next] = s;
        utf8s[next] = utf8;
        next = (next + 1) % ENTRIES;
        return utf8.flip();
    }

    // identity on purpose (see the class comment); Objects keep the String-equality check quiet for the right reason
    private static boolean same(Object a, Object b) {
        return a == b;
    }
}
