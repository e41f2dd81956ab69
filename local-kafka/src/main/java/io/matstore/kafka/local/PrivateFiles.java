package io.matstore.kafka.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/** Writes files that hold passwords: readable by the owner only where the file system has POSIX permissions. */
final class PrivateFiles {
    private PrivateFiles() {
    }

    /**
     * Writes {@code properties} to {@code file} in {@link Properties#store} format, replacing it whole: readers see
     * the old file or the new one, never a half-written one.
     */
    static void writeProperties(Path file, Properties properties, String comment) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            properties.store(out, comment);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
