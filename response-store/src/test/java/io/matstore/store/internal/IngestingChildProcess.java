package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts {@link IngestingChild} in its own JVM (same classpath and Chronicle flags) and waits for it to ingest. */
final class IngestingChildProcess {
    private IngestingChildProcess() {}

    /**
     * @param closeOnExit whether the child closes its store from a shutdown hook, as the serving commands do, so a
     *                    SIGTERM ({@link Process#destroy()}) is a clean shutdown and SIGKILL is not
     */
    static Process start(
            String bootstrap,
            Path dataDir,
            Path work,
            ViewDescriptor view,
            int partitions,
            int run,
            boolean closeOnExit)
            throws Exception {
        List<String> command = javaCommand();
        command.add(IngestingChild.class.getName());
        command.add(dataDir.toString());
        command.add(bootstrap);
        command.add(view.name());
        command.add(Integer.toString(partitions));
        command.add(readyFile(work, run).toString());
        command.add(Boolean.toString(closeOnExit));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log(work, run).toFile())
                .start();
    }

    /** {@code java} of this JVM with its Chronicle flags, a small heap and this classpath: add the main class. */
    static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-")
                    || arg.startsWith("-Dchronicle.")
                    || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    static Path log(Path work, int run) {
        return work.resolve("child-" + run + ".log");
    }

    private static Path readyFile(Path work, int run) {
        return work.resolve("ready-" + run);
    }

    static void awaitReady(Path work, int run, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(readyFile(work, run))) {
            if (!child.isAlive()) {
                throw new AssertionError(
                        "child exited with " + child.exitValue() + ": " + Files.readString(log(work, run)));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("child not ready in 60 s: " + Files.readString(log(work, run)));
            }
            Thread.sleep(50);
        }
    }
}
