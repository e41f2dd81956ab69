package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/matstore serve} and its class archive (AppCDS, made by {@code bin/run-main}), started as a user starts
 * it: a start that fails keeps none, a start that served and stopped cleanly leaves one, the next start maps its
 * classes from it, and a damaged archive is ignored rather than stopping a start.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServeClassArchiveProcessTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Pattern SERVING = Pattern.compile("serving on (127\\.0\\.0\\.1:\\d+)");
    private static final Path CDS =
            MatstoreProcess.ROOT.resolve("launcher").resolve("target").resolve("cds");
    /** How the JVM names where a class came from (-Xlog:class+load). */
    private static final String FROM_ARCHIVE = "io.matstore.launcher.ServeCommand source: shared objects file (top)";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    @TempDir
    static Path dir;

    @BeforeAll
    static void createTopic() {
        KAFKA.createTopic(ViewDescriptor.topicOf("offers", 1), 1);
    }

    @Test
    void serveShouldStartFromTheArchiveOfAStartThatServedAndIgnoreADamagedOne() throws IOException {
        for (Path archive : archives()) {
            Files.delete(archive);
        }

        // the dump of a process killed together with its watcher (a process id above Linux's largest): swept at a start
        Files.createDirectories(CDS);
        Path orphan = CDS.resolve(".serve-0123456789abcdef.jsa.99999999");
        Files.write(orphan, new byte[] {1});
        Files.write(CDS.resolve(orphan.getFileName() + ".served"), new byte[0]);

        MatstoreProcess.Result bad = MatstoreProcess.run(dir, "serve", "-s", "serving.prot=1");
        assertThat(bad.exitCode()).as("%s", bad).isEqualTo(2);
        assertThat(list(".serve-0123456789abcdef"))
                .as("an orphaned dump and its marker")
                .isEmpty();
        awaitNoDumpInProgress();
        assertThat(archives()).as("a start that never served keeps no archive").isEmpty();

        serve("first.log");
        await("the archive of a start that served, once it stopped")
                .atMost(Duration.ofSeconds(60))
                .until(() -> archives().size() == 1);
        assertThat(Files.readString(dir.resolve("first.log"))).doesNotContain("shared objects file (top)");

        serve("second.log");
        assertThat(Files.readString(dir.resolve("second.log"))).contains(FROM_ARCHIVE);

        Path archive = archives().get(0);
        byte[] zeros = new byte[(int) Math.min(Files.size(archive), 1 << 20)];
        Files.delete(archive); // the JVM writes it read-only
        Files.write(archive, zeros);
        serve("third.log");
        assertThat(Files.readString(dir.resolve("third.log")))
                .contains("io.matstore.launcher.ServeCommand source: ")
                .doesNotContain("shared objects file (top)");
        Files.delete(archive); // the next start after the tests makes a good one again
    }

    /** Starts a node, waits until it serves, stops it with SIGTERM; its class loading logged to {@code classLog}. */
    private static void serve(String classLog) {
        Map<String, String> env = Map.of(
                "MATSTORE_JAVA_OPTS",
                "-Xmx384m -XX:TieredStopAtLevel=1 -Xlog:class+load:file=" + dir.resolve(classLog));
        try (MatstoreProcess node = MatstoreProcess.start(
                dir,
                env,
                "serve",
                "-s",
                "bootstrap.servers=" + KAFKA.bootstrapServers(),
                "-s",
                "serving.port=0",
                "-s",
                "store.data.dir=" + dir.resolve("store"))) {
            node.awaitOutput(SERVING, START);
        }
    }

    private static List<Path> archives() throws IOException {
        return list("serve-");
    }

    /** Dumps are written under a hidden name and renamed or deleted by a watcher once their process is gone. */
    private static void awaitNoDumpInProgress() {
        await("the watcher of the failed start's dump")
                .atMost(Duration.ofSeconds(60))
                .until(() -> list(".serve-").isEmpty());
    }

    private static List<Path> list(String prefix) throws IOException {
        if (!Files.isDirectory(CDS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(CDS)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .toList();
        }
    }
}
