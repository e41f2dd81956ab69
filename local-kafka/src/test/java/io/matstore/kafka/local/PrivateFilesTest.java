package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrivateFilesTest {
    @Test
    void shouldWriteWhatPropertiesLoadReadsBackExactly(@TempDir Path dir) throws Exception {
        Map<String, String> written = Map.of(
                "sasl.jaas.config", "Module required username=\"a\" password=\"p:w=1\";",
                "path", "C:\\Users\\k\u00e9vin\\truststore.p12",
                "leading", "  two spaces",
                "b.key", "\u20ac");
        Path file = dir.resolve("x.properties");
        PrivateFiles.writeProperties(file, written, "a comment");

        Properties read = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            read.load(in);
        }
        assertThat(read).containsExactlyInAnyOrderEntriesOf(written);
        assertThat(Files.readAllLines(file, StandardCharsets.ISO_8859_1)).startsWith("# a comment", "b.key=\\u20ac");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }
}
