package io.matstore.kafka.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/** Writes files that hold passwords: readable by the owner only where the file system has POSIX permissions. */
final class PrivateFiles {
    private PrivateFiles() {}

    /**
     * Writes {@code properties} to {@code file} as {@link java.util.Properties#load(java.io.InputStream)} reads them,
     * sorted by key and without {@link java.util.Properties#store}'s date line or escaped {@code =} and {@code :}, so
     * people can read the file too. Replaces the file whole: readers see the old file or the new one.
     */
    static void writeProperties(Path file, Map<String, String> properties, String comment) throws IOException {
        StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            text.append(escape(e.getKey(), true))
                    .append('=')
                    .append(escape(e.getValue(), false))
                    .append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        makeOwnerOnly(tmp);
        // ISO-8859-1 with everything else escaped as \\uXXXX: what Properties.load(InputStream), and so Kafka's tools,
        // read.
        Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates {@code file} empty and readable by the owner only, or leaves it to be created as usual. */
    static void makeOwnerOnly(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } else {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        }
    }

    private static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < ' ' || c > '~') {
                out.append(String.format("\\u%04x", (int) c));
            } else if ((key && (c == '=' || c == ':' || c == ' ' || c == '#' || c == '!')) || (i == 0 && c == ' ')) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
