package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ops.OpsEndpoint;
import io.matstore.precompute.publish.Progress;
import io.matstore.precompute.replay.CaughtUp;
import io.matstore.precompute.replay.Replay;
import io.matstore.precompute.replay.ReplayOptions;
import io.matstore.precompute.replay.ReplayProgress;
import io.matstore.precompute.replay.ReplayRefusedException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "replay",
        description = {
            "Rebuild a view (--view) at --version N from the source topic, show progress up to the end offsets captured "
                    + "at the start, then keep running live as that version's job until stopped (Ctrl-C / SIGTERM).",
            "Exit codes: 0 stopped, 1 the job failed, 2 invalid settings or version, 3 refused (the version ran before)."
        })
final class ReplayCommand implements Callable<Integer> {
    static final int REFUSED = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(
            names = "--view",
            paramLabel = "NAME",
            description = "The view to run, one of those on the class path; may be left out when there is only one.")
    String viewName;

    @Option(
            names = "--version",
            required = true,
            paramLabel = "N",
            description = "Version of the view to rebuild (the view.version setting).")
    int version;

    @Option(
            names = "--from-timestamp",
            paramLabel = "ISO-8601",
            converter = InstantConverter.class,
            description = "Start at the first event at or after this instant (e.g. 2026-11-23T10:00:00Z) instead of "
                    + "the beginning. The view's state then holds only what those events say: see docs/precompute.md.")
    Instant fromTimestamp;

    @Option(
            names = "--resume",
            description = "Continue the version's consumer group from its committed offsets "
                    + "instead of refusing because it has some.")
    boolean resume;

    @Override
    public Integer call() {
        PrecomputeConfig settings = config.load(Map.of(PrecomputeConfig.VIEW_VERSION, Integer.toString(version)));
        if (fromTimestamp != null && resume) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--from-timestamp and --resume exclude each other: resuming keeps the group's offsets, a "
                            + "timestamp replaces them");
        }
        View<?, ?> view = ViewOption.create(spec, viewName, settings);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReplayOptions options = fromTimestamp != null
                ? ReplayOptions.fromTimestamp(fromTimestamp)
                : resume ? ReplayOptions.resuming() : ReplayOptions.fromBeginning();
        Replay replay;
        try {
            replay = Replay.start(view, settings, options);
        } catch (ReplayRefusedException e) {
            err.println("replay refused: " + e.getMessage());
            return REFUSED;
        }
        String name =
                "replay " + view.descriptor().name() + " v" + view.descriptor().version();
        out.printf(
                Locale.ROOT,
                "%s %s: %,d records up to the end captured now, into %s%n",
                name,
                fromTimestamp == null ? (resume ? "resumed" : "from the beginning") : "from " + fromTimestamp,
                replay.progress().total(),
                view.descriptor().topic());
        out.flush();
        OpsEndpoint ops;
        try {
            ops = RunCommand.startOps(settings, List.of(replay.job()), out);
        } catch (UncheckedIOException e) {
            replay.close();
            err.println(e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    close(ops, replay);
                    stopped.countDown();
                },
                "precompute-replay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            if (!followToCaughtUp(replay, Progress.console(System.err, name), stopped)) {
                return exitCode(replay);
            }
            CaughtUp done = replay.caughtUp().orElseThrow();
            out.printf(
                    Locale.ROOT,
                    "%s reached the captured end: %,d records in %.1f s (%,.0f records/s); continuing live, "
                            + "Ctrl-C to stop%n",
                    name,
                    done.records(),
                    done.elapsed().toNanos() / 1e9,
                    done.recordsPerSecond());
            out.flush();
            while (!stopped.await(30, TimeUnit.SECONDS)) {
                if (!replay.job().streams().state().isRunningOrRebalancing()) {
                    break;
                }
                LOG.info("view {}: {}", view.descriptor(), replay.job().counters());
            }
            return exitCode(replay);
        } catch (InterruptedException e) {
            // Being interrupted is being asked to stop, like Ctrl-C; the flag is restored once the clients are
            // closed, which they could not do with it set.
            interrupted = true;
            return exitCode(replay);
        } finally {
            close(ops, replay);
            RunCommand.removeHook(hook);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The endpoint first, so that it never reports a job being closed; both are idempotent. */
    private static void close(OpsEndpoint ops, Replay replay) {
        if (ops != null) {
            ops.close();
        }
        replay.close();
    }

    /** Draws the progress bar until caught up; false when the job stopped or the process is stopping first. */
    private static boolean followToCaughtUp(Replay replay, Progress bar, CountDownLatch stopped)
            throws InterruptedException {
        boolean drawnFull = false;
        while (stopped.getCount() > 0) {
            ReplayProgress p = replay.progress();
            // The console bar ends its line when done == total; draw that once, not on every draining poll.
            if (p.consumed() < p.total() || !drawnFull) {
                bar.update(p.consumed(), p.total());
                drawnFull = p.consumed() >= p.total();
            }
            try {
                if (replay.awaitCaughtUp(Duration.ofMillis(500))) {
                    return true;
                }
            } catch (IllegalStateException jobStopped) {
                System.err.println();
                System.err.println(jobStopped.getMessage());
                return false;
            }
        }
        return false;
    }

    private static int exitCode(Replay replay) {
        return replay.job().streams().state() == KafkaStreams.State.ERROR ? 1 : 0;
    }

    /** ISO-8601 instants, with a message that shows the expected form. */
    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not an ISO-8601 instant such as " + "2026-11-23T10:00:00Z");
            }
        }
    }
}
