package io.matstore.bench.serving;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link OverloadNode} in its own JVM (this JVM's flags and class path), optionally pinned to one core with
 * {@code taskset}, and its CPU time read from {@code /proc}. Closing it closes the child's input, which stops it;
 * one that has not exited 20 s later is destroyed by its PID (this class started it).
 */
final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private NodeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param core the core to pin the node to, or -1 for none
     * @param log  where the node's standard error goes
     */
    static NodeProcess start(Path storeDir, String bootstrap, int core, Path log, List<String> settings)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (core >= 0) {
            cmd.add("taskset"); // execs the JVM: the child's PID is the JVM's
            cmd.add("-c");
            cmd.add(String.valueOf(core));
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OverloadNode.class.getName());
        cmd.add(storeDir.toString());
        cmd.add(bootstrap);
        cmd.addAll(settings);
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("port=")) {
                int port = Integer.parseInt(line.substring(5).trim());
                Thread drain = new Thread(() -> drain(out), "node-stdout");
                drain.setDaemon(true);
                drain.start();
                return new NodeProcess(p, port);
            }
        }
        p.destroyForcibly();
        throw new IOException("the node exited before serving; see " + log);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // the node's log lines, if its logger writes to stdout
            }
        } catch (IOException closed) {
            // the node ended
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** User + system CPU time of the whole node process so far, in seconds (Linux /proc; -1 where absent). */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            // fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, Duration.ofSeconds(20), Duration.ofSeconds(5));
    }
}
