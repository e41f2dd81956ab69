package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.ValueModel;
import org.junit.jupiter.api.Test;

/** The build wrote Chronicle's map header class, so no JVM of ours compiles it with javac when it opens a map. */
class NearCacheClassesTest {
    @Test
    void shouldFindChroniclesHeaderClassOnTheClassPathInsteadOfCompilingIt() throws Exception {
        String name = VanillaGlobalMutableState.class.getName() + ValueModel.$$NATIVE;
        Class<?> onClassPath = Class.forName(name, false, VanillaGlobalMutableState.class.getClassLoader());
        assertThat(onClassPath.getProtectionDomain().getCodeSource())
                .as("loaded from a file, not defined at run time")
                .isNotNull();
        assertThat(ValueModel.acquire(VanillaGlobalMutableState.class).nativeClass())
                .isSameAs(onClassPath);
    }
}
