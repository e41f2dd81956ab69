package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Per-thread nice values as the kernel reports them ({@code /proc}): Linux only, where the setting applies. */
@EnabledOnOs(OS.LINUX)
class ThreadNiceTest {
    @TempDir
    Path dir;

    @Test
    void shouldLowerOnlyTheCallingThread() throws Exception {
        int before = niceOfThisThread(); // 0, unless the tests themselves run niced
        int target = Math.max(7, before + 1);
        AtomicInteger lowered = new AtomicInteger(-1);
        AtomicBoolean set = new AtomicBoolean();
        Thread t = new Thread(() -> {
            set.set(ThreadNice.lowerCurrentThread(target));
            lowered.set(niceOfThisThread());
        });
        t.start();
        t.join();
        assertThat(set).isTrue();
        assertThat(lowered.get()).isEqualTo(target);
        assertThat(niceOfThisThread())
                .as("the caller's own thread is untouched")
                .isEqualTo(before);
    }

    @Test
    void shouldRunAVersionsIngestThreadAtTheConfiguredNice() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("niced", 1, "id");
        StoreConfig config = StoreConfig.of(dir, unreachableBroker()).withBackgroundNice(13);
        try (VersionedResponseStore store = ResponseStores.open(config)) {
            store.addVersion(view, Set.of(0), LoadMode.LIVE);
            // the kernel keeps 15 characters of a thread's name
            String name = ("ingest-" + view.topic()).substring(0, 15);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(niceOfThreadNamed(name)).hasValue(13));
        }
    }

    private static int niceOfThisThread() {
        try {
            return nice(Path.of("/proc/thread-self/stat"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static OptionalInt niceOfThreadNamed(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                    return OptionalInt.of(nice(task.resolve("stat")));
                }
            }
        }
        return OptionalInt.empty();
    }

    /** Field 19 of a task's stat line; the fields after the command's closing parenthesis start at field 3. */
    private static int nice(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    private static String unreachableBroker() throws IOException {
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + closed.getLocalPort();
        }
    }
}
