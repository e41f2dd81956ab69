package io.matstore.launcher;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@code bin/matstore} command started the way a user starts it: the same script, so the same JVM flags and the
 * same class path (runtime scope), on the JDK running the tests. {@code MATSTORE_SKIP_BUILD=1} tells the script that
 * the build has just happened. Output goes to files in a test directory, read back for assertions and printed in
 * failure messages; {@link #close()} sends SIGTERM like Ctrl-C and fails if the process does not end.
 */
final class MatstoreProcess implements AutoCloseable {
    static final Path ROOT = projectRoot();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration POLL = Duration.ofMillis(100);

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private MatstoreProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code bin/matstore args} with {@code env} added to a cleaned environment (no inherited MATSTORE_*). */
    static MatstoreProcess start(Path logDir, Map<String, String> env, String... args) {
        String name = String.join(" ", args);
        int n = SEQ.incrementAndGet();
        Path out = logDir.resolve(n + ".out");
        Path err = logDir.resolve(n + ".err");
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin").resolve("matstore").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(logDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MATSTORE_"));
        pb.environment().put("MATSTORE_SKIP_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("MATSTORE_JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1");
        pb.environment().putAll(env);
        try {
            return new MatstoreProcess(name, pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start bin/matstore " + name, e);
        }
    }

    /** Runs a command to its end and returns how it ended. */
    static Result run(Path logDir, Duration timeout, Map<String, String> env, String... args) {
        try (MatstoreProcess p = start(logDir, env, args)) {
            int code = p.awaitExit(timeout);
            return new Result(code, p.stdout(), p.stderr());
        }
    }

    static Result run(Path logDir, String... args) {
        return run(logDir, Duration.ofSeconds(120), Map.of(), args);
    }

    /** What a finished command printed and returned. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for {@code pattern} in stdout and returns its first group (or the whole match). */
    String awaitOutput(Pattern pattern, Duration timeout) {
        try {
            return await(name + ": " + pattern)
                    .atMost(timeout)
                    .pollInterval(POLL)
                    .failFast(
                            "process exited",
                            () -> !process.isAlive()
                                    && !pattern.matcher(stdout()).find())
                    .until(
                            () -> {
                                Matcher m = pattern.matcher(stdout());
                                return m.find() ? (m.groupCount() > 0 ? m.group(1) : m.group()) : null;
                            },
                            v -> v != null);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "\n" + this, e);
        }
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("bin/matstore " + name + " still running after " + timeout + "\n" + this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /** Stops each started process (nulls are those never started), in the order given. */
    static void closeAll(MatstoreProcess... processes) {
        for (MatstoreProcess p : processes) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** SIGTERM, as Ctrl-C; a process that does not end in 60 s is killed and fails the test. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        awaitExit(Duration.ofSeconds(60));
    }

    @Override
    public String toString() {
        return "bin/matstore " + name + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isExecutable(p.resolve("bin").resolve("matstore"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "no bin/matstore above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
