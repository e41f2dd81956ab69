package io.matstore.bench.precompute;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one thread's time goes in a JFR recording: the execution samples (Java and native) of the threads whose name
 * matches a regular expression (by default a Kafka Streams stream thread's), between two instants, as the share of samples in which each method is on the stack (inclusive)
 * and on top of it (self). {@code jfr print} shows samples one by one and {@code jfr view} has no thread filter; the
 * stream thread's share of each step is the figure the precompute sections of docs/benchmarks.md quote.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.matstore.bench.precompute.JfrThreadProfile probe.jfr \
 *      [--thread=REGEX] [--from=EPOCH_MS] [--to=EPOCH_MS] [--top=40] \
 *      [--focus=CLASS.METHOD]
 * </pre>
 * Record with {@code -XX:FlightRecorderOptions:stackdepth=256}: a stream thread's stack is deeper than JFR's default
 * of 64 frames, and a truncated stack loses its outer frames from the inclusive shares (the count is printed).
 * {@code --focus} keeps only the samples with that method on the stack, so the inclusive list shows its callers and
 * callees. Besides the samples it prints the thread's CPU load (a thread that waits for a core is not sampled) and
 * the time it spent blocked (park, monitor, socket, file events above JFR's thresholds).
 */
public final class JfrThreadProfile {
    private JfrThreadProfile() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException(
                    "usage: JfrThreadProfile FILE.jfr [--thread=REGEX] [--from=EPOCH_MS] [--to=EPOCH_MS] [--top=N]");
        }
        // not the stream thread's producer ("kafka-producer-network-thread | ...-StreamThread-1-producer")
        Pattern thread = Pattern.compile(".*-StreamThread-\\d+");
        Instant from = Instant.MIN;
        Instant to = Instant.MAX;
        int top = 40;
        String focus = null;
        for (String a : List.of(args).subList(1, args.length)) {
            String value = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--thread=")) {
                thread = Pattern.compile(value);
            } else if (a.startsWith("--from=")) {
                from = Instant.ofEpochMilli(Long.parseLong(value));
            } else if (a.startsWith("--to=")) {
                to = Instant.ofEpochMilli(Long.parseLong(value));
            } else if (a.startsWith("--focus=")) {
                focus = value;
            } else if (a.startsWith("--top=")) {
                top = Integer.parseInt(value);
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Double> blockedMillis = new HashMap<>();
        double cpuLoad = 0;
        int cpuReadings = 0;
        int samples = 0;
        int nativeSamples = 0;
        int truncated = 0;
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                boolean isNative = type.equals("jdk.NativeMethodSample");
                boolean isSample = isNative || type.equals("jdk.ExecutionSample");
                RecordedThread t = isSample
                        ? e.getThread("sampledThread")
                        : e.hasField("eventThread") ? e.getThread("eventThread") : null;
                if (t == null
                        || t.getJavaName() == null
                        || !thread.matcher(t.getJavaName()).matches()
                        || e.getStartTime().isBefore(from)
                        || e.getStartTime().isAfter(to)) {
                    continue;
                }
                if (type.equals("jdk.ThreadCPULoad")) {
                    cpuLoad += e.getFloat("user") + e.getFloat("system");
                    cpuReadings++;
                    continue;
                }
                if (!isSample) {
                    if (BLOCKING.contains(type) && e.getStackTrace() != null) {
                        blockedMillis.merge(
                                type + " in " + firstOutside(e.getStackTrace().getFrames()),
                                e.getDuration().toNanos() / 1e6,
                                Double::sum);
                    }
                    continue;
                }
                if (e.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                Set<String> onStack = new HashSet<>();
                for (RecordedFrame f : frames) {
                    onStack.add(name(f));
                }
                if (focus != null && onStack.stream().noneMatch(focus::equals)) {
                    continue;
                }
                samples++;
                nativeSamples += isNative ? 1 : 0;
                truncated += e.getStackTrace().isTruncated() ? 1 : 0;
                onStack.forEach(m -> inclusive.merge(m, 1, Integer::sum));
                if (!frames.isEmpty()) {
                    self.merge(name(frames.get(0)) + (isNative ? " (native)" : ""), 1, Integer::sum);
                }
            }
        }
        System.out.printf(
                "%d samples of threads whose name matches %s (%d in native code, %d stacks truncated)%n",
                samples, thread, nativeSamples, truncated);
        if (cpuReadings > 0) {
            System.out.printf(
                    "CPU load of the thread (jdk.ThreadCPULoad, user + system, share of the machine's CPUs): "
                            + "%.1f %% on average over %d readings%n",
                    100 * cpuLoad / cpuReadings, cpuReadings);
        }
        print("inclusive", inclusive, samples, top);
        print("self", self, samples, top);
        System.out.printf(
                "%nblocked (events over JFR's threshold, summed ms, by type and first frame outside the JDK):%n");
        blockedMillis.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top)
                .forEach(en -> System.out.printf("%10.0f ms  %s%n", en.getValue(), en.getKey()));
    }

    private static final Set<String> BLOCKING = Set.of(
            "jdk.ThreadPark",
            "jdk.JavaMonitorWait",
            "jdk.JavaMonitorEnter",
            "jdk.ThreadSleep",
            "jdk.SocketRead",
            "jdk.SocketWrite",
            "jdk.FileRead",
            "jdk.FileWrite",
            "jdk.FileForce");

    /** Where a blocking call came from: the first frame of Kafka, RocksDB or ours. */
    private static String firstOutside(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (!n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun.")) {
                return n;
            }
        }
        return frames.isEmpty() ? "?" : name(frames.get(0));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.printf("%n%s:%n", title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(en ->
                        System.out.printf("%6.1f %%  %s%n", 100.0 * en.getValue() / Math.max(1, samples), en.getKey()));
    }
}
