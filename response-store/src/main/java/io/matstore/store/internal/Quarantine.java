package io.matstore.store.internal;

import io.matstore.store.QuarantinedVersion;
import io.matstore.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where versions that cannot be opened go: {@code <dataDir>/<view>/quarantine/v<N>.<epoch millis>}, moved whole
 * (one rename on the same file system, so a crash leaves it either in place or aside, never half moved) and never
 * deleted by the store: an operator inspects it, then deletes it.
 *
 * <p>Why move rather than delete: the files are the evidence (which file is corrupt, since when); why not leave it
 * in place: the next open would trip on it again, and a rebuild needs its directory name.
 */
final class Quarantine {
    static final String DIR = "quarantine";

    private final List<QuarantinedVersion> moved = new ArrayList<>();

    /**
     * Moves {@code versionDir} aside and records it.
     *
     * @throws StoreException when it cannot be moved (then the store cannot start without it either)
     */
    synchronized Path moveAside(String view, int version, Path versionDir, String reason, boolean rebuilding) {
        long now = System.currentTimeMillis();
        Path target = versionDir.resolveSibling(DIR).resolve(versionDir.getFileName() + "." + now);
        try {
            Files.createDirectories(target.getParent());
            Files.move(versionDir, target, StandardCopyOption.ATOMIC_MOVE);
            NearCacheMarker.fsyncDirectory(versionDir.getParent());
            NearCacheMarker.fsyncDirectory(target.getParent());
        } catch (IOException e) {
            throw new StoreException(
                    "cannot move unopenable version " + versionDir + " aside to " + target + ": " + e.getMessage()
                            + " (it failed to open: " + reason + ")",
                    e);
        }
        moved.add(new QuarantinedVersion(view, version, target, reason, rebuilding, now));
        return target;
    }

    synchronized List<QuarantinedVersion> all() {
        return List.copyOf(moved);
    }

    /** The version number a directory named {@code v<N>} stands for, or 0. */
    static int versionOf(Path versionDir) {
        String name = versionDir.getFileName().toString();
        try {
            return name.startsWith("v") ? Integer.parseInt(name.substring(1)) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
