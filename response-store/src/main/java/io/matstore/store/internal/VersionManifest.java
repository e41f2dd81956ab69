package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a version directory holds, so a restarted node reopens it without being told again:
 * {@code version.properties} with {@code view}, {@code version}, {@code dimensions} and {@code partitions}
 * (comma-separated), and {@code load} ({@link LoadMode}; absent in older manifests: live). Written once,
 * atomically, when the version is added.
 */
record VersionManifest(ViewDescriptor view, Set<Integer> partitions, LoadMode loadMode) {
    static final String FILE = "version.properties";

    void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("view", view.name());
        p.setProperty("version", Integer.toString(view.version()));
        p.setProperty("dimensions", String.join(",", view.dimensions()));
        p.setProperty("partitions", new TreeSet<>(partitions).stream().map(String::valueOf)
                .collect(Collectors.joining(",")));
        p.setProperty("load", loadMode.name().toLowerCase(java.util.Locale.ROOT));
        writeAtomically(dir.resolve(FILE), p);
    }

    static VersionManifest read(Path dir) {
        Properties p = readProperties(dir.resolve(FILE));
        ViewDescriptor view = ViewDescriptor.of(p.getProperty("view"), Integer.parseInt(p.getProperty("version")),
                p.getProperty("dimensions").split(","));
        Set<Integer> partitions = Arrays.stream(p.getProperty("partitions").split(","))
                .filter(s -> !s.isEmpty()).map(Integer::valueOf).collect(Collectors.toSet());
        LoadMode mode = LoadMode.valueOf(p.getProperty("load", "live").toUpperCase(java.util.Locale.ROOT));
        return new VersionManifest(view, partitions, mode);
    }

    static Properties readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** Temp file, fsync, atomic rename, fsync of the directory. */
    static void writeAtomically(Path file, Properties p) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            NearCacheMarker.fsyncDirectory(file.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
