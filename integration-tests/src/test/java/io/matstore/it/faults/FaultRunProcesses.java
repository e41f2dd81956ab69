package io.matstore.it.faults;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child processes of the fault run (two precompute instances, two serving nodes), each a JVM started from
 * this test's classpath running {@link FaultRunChild}. The test is their supervisor: it kills them with SIGKILL
 * ({@link Process#destroyForcibly()}) or stops them with SIGTERM, and starts them again on the same directories.
 * Only processes started here are ever signalled.
 */
final class FaultRunProcesses implements AutoCloseable {
    private static final long READY_TIMEOUT_S = 60;

    /** What one child is: its role's arguments (without the ready file) and its log. */
    record Spec(String name, List<String> args) {}

    private final Path work;
    private final Spec[] specs;
    private final Process[] running;
    private final int[] ports;
    private final int[] adminPorts;
    private final Path[] logs;
    private int starts;

    FaultRunProcesses(Path work, List<Spec> specs) {
        this.work = work;
        this.specs = specs.toArray(new Spec[0]);
        this.running = new Process[this.specs.length];
        this.ports = new int[this.specs.length];
        this.adminPorts = new int[this.specs.length];
        this.logs = new Path[this.specs.length];
    }

    String name(int child) {
        return specs[child].name();
    }

    /** The HTTP port a node child announced at its last start. */
    int port(int child) {
        return ports[child];
    }

    /** The admin port a node child announced at its last start. */
    int adminPort(int child) {
        return adminPorts[child];
    }

    /** What the child's current run has logged so far. */
    String log(int child) throws java.io.IOException {
        return Files.readString(logs[child]);
    }

    /** Starts the children together and waits until each has announced it is up. */
    void start(int... children) throws Exception {
        Path[] ready = new Path[children.length];
        for (int i = 0; i < children.length; i++) {
            ready[i] = launch(children[i]);
        }
        for (int i = 0; i < children.length; i++) {
            awaitReady(children[i], ready[i]);
        }
    }

    private Path launch(int child) throws Exception {
        Path ready = work.resolve(specs[child].name() + "-" + starts + ".ready");
        Path log = work.resolve(specs[child].name() + "-" + starts + ".log");
        starts++;
        List<String> command = javaCommand();
        command.add(FaultRunChild.class.getName());
        command.addAll(specs[child].args());
        command.add(ready.toString());
        running[child] = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        logs[child] = log;
        return ready;
    }

    private void awaitReady(int child, Path ready) throws Exception {
        Process p = running[child];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_S);
        while (!Files.exists(ready)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError(specs[child].name() + " did not start (exit "
                        + (p.isAlive() ? "none" : p.exitValue()) + "): " + tail(logs[child]));
            }
            p.waitFor(50, TimeUnit.MILLISECONDS);
        }
        String content = Files.readString(ready).trim();
        String[] announced = content.split(",");
        ports[child] = content.equals("ready") ? -1 : Integer.parseInt(announced[0]);
        adminPorts[child] = announced.length > 1 ? Integer.parseInt(announced[1]) : -1;
    }

    /** kill -9. */
    void kill(int child) throws InterruptedException {
        Process p = running[child];
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(specs[child].name() + " (pid " + p.pid() + ") still alive after SIGKILL");
        }
    }

    /** SIGTERM: the child closes its store or stream client from its shutdown hook. */
    void stop(int child) throws InterruptedException {
        Process p = running[child];
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(specs[child].name() + " did not stop within 30 s of SIGTERM");
        }
    }

    /** Whether the child exited by itself (a precompute instance stopped by a fatal error exits 3). */
    boolean exited(int child) {
        return running[child] != null && !running[child].isAlive();
    }

    @Override
    public void close() {
        for (Process p : running) {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            }
        }
    }

    /** {@code java} of this JVM with its module and Chronicle flags and this classpath. */
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
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

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
