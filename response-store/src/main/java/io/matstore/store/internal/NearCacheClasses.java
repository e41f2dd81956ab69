package io.matstore.store.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.tools.StandardJavaFileManager;
import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.ValueModel;
import net.openhft.compiler.CompilerUtils;
import net.openhft.compiler.MyJavaFileManager;

/**
 * Build step (response-store's pom, phase {@code process-classes}): writes the class Chronicle Map would otherwise
 * compile with javac at run time, {@code net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native} (the header
 * of every map file), into the module's classes directory.
 *
 * <p>Why: Chronicle Values asks the class loader for {@code <type>$$Native} before it generates and compiles one,
 * and that compile (javac indexing every jar of the class path) was 45 % of the main thread's samples while a
 * serving node started (JFR, docs/benchmarks.md "Restart to ready"). The class is produced by Chronicle's own
 * generator and compiler of the version the build resolves, exactly as at run time; only the bytes are kept. It is
 * regenerated on every build, so it follows a Chronicle upgrade.
 */
public final class NearCacheClasses {
    private NearCacheClasses() {
    }

    public static void main(String[] args) throws IOException, ReflectiveOperationException {
        Path classes = Path.of(args[0]);
        String name = VanillaGlobalMutableState.class.getName() + ValueModel.$$NATIVE;
        // A copy from an earlier build would be loaded instead of generated: remove it first.
        Files.deleteIfExists(classFile(classes, name));
        ValueModel model = ValueModel.acquire(VanillaGlobalMutableState.class);
        // Chronicle Values installs its own file manager on the shared compiler; keep it and collect the output.
        Function<StandardJavaFileManager, MyJavaFileManager> chronicles = CompilerUtils.CACHED_COMPILER
                .fileManagerOverride;
        List<MyJavaFileManager> managers = new ArrayList<>();
        CompilerUtils.CACHED_COMPILER.setFileManagerOverride(standard -> {
            MyJavaFileManager m = chronicles != null ? chronicles.apply(standard) : new MyJavaFileManager(standard);
            managers.add(m);
            return m;
        });
        Class<?> generated = model.nativeClass();
        int written = 0;
        for (MyJavaFileManager m : managers) {
            for (Map.Entry<String, byte[]> e : m.getAllBuffers().entrySet()) {
                Path file = classFile(classes, e.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, e.getValue());
                written++;
            }
        }
        if (!Files.exists(classFile(classes, name))) {
            throw new IllegalStateException("Chronicle did not compile " + name + " (got " + generated + ", "
                    + written + " classes written): its generation changed, see NearCacheClasses");
        }
        System.out.println("near-cache classes: wrote " + written + " class(es) for " + name + " to " + classes);
    }

    private static Path classFile(Path classes, String className) {
        return classes.resolve(className.replace('.', '/') + ".class");
    }
}
