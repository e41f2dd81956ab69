package io.matstore.schemas;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds where a FlatBuffers builder put a scalar, in a template built with a sentinel value in its place, and clears
 * it: the step shared by the writers that copy a template and patch values in ({@link ResponseEnvelopeWriter} and a
 * view's response writers). A sentinel found twice or not at all is an error, never a guess: a wrong offset would
 * write wrong bytes silently.
 */
public final class TemplateSentinels {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private TemplateSentinels() {}

    /** The offset of the one little-endian long equal to {@code sentinel} in {@code template}, now zeroed. */
    public static int clearLong(byte[] template, long sentinel) {
        int at = onlyOffsetOf(template, sentinel, Long.BYTES);
        LONG_LE.set(template, at, 0L);
        return at;
    }

    /** The offset of the one little-endian int equal to {@code sentinel} in {@code template}, now zeroed. */
    public static int clearInt(byte[] template, int sentinel) {
        int at = onlyOffsetOf(template, sentinel, Integer.BYTES);
        INT_LE.set(template, at, 0);
        return at;
    }

    private static int onlyOffsetOf(byte[] bytes, long sentinel, int width) {
        int found = -1;
        for (int i = 0; i + width <= bytes.length; i++) {
            long v = width == Long.BYTES ? (long) LONG_LE.get(bytes, i) : (int) INT_LE.get(bytes, i);
            if (v == sentinel) {
                if (found >= 0) {
                    throw new IllegalStateException("sentinel found twice in a template");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new IllegalStateException("sentinel not found in a template");
        }
        return found;
    }
}
