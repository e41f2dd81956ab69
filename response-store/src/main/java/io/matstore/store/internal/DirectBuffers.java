package io.matstore.store.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer's memory now rather than when a collection finds the buffer unreachable: a bulk run's arena
 * (tens of MiB) outlives young collections and would otherwise wait for a full one, several loads' worth of them
 * at once. Uses {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, there from JDK 9 on); where it is
 * missing the buffer is left to the collector, as before.
 */
final class DirectBuffers {
    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    private DirectBuffers() {}

    /** Frees {@code buffer}'s memory; the caller must not touch the buffer, or any view of it, afterwards. */
    static void free(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || !buffer.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (IllegalArgumentException slice) {
            // a view of another buffer: its memory is the parent's, freed with it
        } catch (Throwable e) {
            throw new IllegalStateException("cannot free a direct buffer", e);
        }
    }

    private static MethodHandle invokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            MethodHandle handle = MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class));
            return handle.bindTo(theUnsafe.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
