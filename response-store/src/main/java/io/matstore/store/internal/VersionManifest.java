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
 * (comma-separated), and {@code load} ({@link LoadMode}; absent in older manifests: live). Written atomically when
 * the version is added and again at each step of adding or dropping partitions at run time:
 * <pre>
 *   partitions=0,3,5        held: ingested, values and offsets committed together
 *   loading=5               held but added at run time and not caught up yet (absent: none)
 *   dropping=2              no longer held; its keys may still be in RocksDB: deleted again at open (absent: none)
 *   dropping.of=8           the topic's partition count when dropping, which decides which keys belong to 2
 * </pre>
 *
 * @param loading         partitions of {@code partitions} added at run time that have not caught up once
 * @param dropping        partitions being dropped (not in {@code partitions}), their keys not yet all deleted
 * @param topicPartitions partition count of the topic that {@code dropping} refers to (0: nothing dropping)
 */
record VersionManifest(
        ViewDescriptor view,
        Set<Integer> partitions,
        LoadMode loadMode,
        Set<Integer> loading,
        Set<Integer> dropping,
        int topicPartitions) {
    static final String FILE = "version.properties";

    VersionManifest {
        partitions = Set.copyOf(partitions);
        loading = Set.copyOf(loading);
        dropping = Set.copyOf(dropping);
    }

    VersionManifest(ViewDescriptor view, Set<Integer> partitions, LoadMode loadMode) {
        this(view, partitions, loadMode, Set.of(), Set.of(), 0);
    }

    void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("view", view.name());
        p.setProperty("version", Integer.toString(view.version()));
        p.setProperty("dimensions", String.join(",", view.dimensions()));
        p.setProperty("partitions", joined(partitions));
        p.setProperty("load", loadMode.name().toLowerCase(java.util.Locale.ROOT));
        if (!loading.isEmpty()) {
            p.setProperty("loading", joined(loading));
        }
        if (!dropping.isEmpty()) {
            p.setProperty("dropping", joined(dropping));
            p.setProperty("dropping.of", Integer.toString(topicPartitions));
        }
        writeAtomically(dir.resolve(FILE), p);
    }

    static VersionManifest read(Path dir) {
        Properties p = readProperties(dir.resolve(FILE));
        ViewDescriptor view = ViewDescriptor.of(
                p.getProperty("view"),
                Integer.parseInt(p.getProperty("version")),
                p.getProperty("dimensions").split(","));
        LoadMode mode = LoadMode.valueOf(p.getProperty("load", "live").toUpperCase(java.util.Locale.ROOT));
        return new VersionManifest(
                view,
                split(p.getProperty("partitions")),
                mode,
                split(p.getProperty("loading", "")),
                split(p.getProperty("dropping", "")),
                Integer.parseInt(p.getProperty("dropping.of", "0")));
    }

    private static Set<Integer> split(String list) {
        return Arrays.stream(list.split(","))
                .filter(s -> !s.isEmpty())
                .map(Integer::valueOf)
                .collect(Collectors.toSet());
    }

    private static String joined(Set<Integer> partitions) {
        return new TreeSet<>(partitions).stream().map(String::valueOf).collect(Collectors.joining(","));
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
            try (java.nio.channels.FileChannel ch =
                    java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            NearCacheMarker.fsyncDirectory(file.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
