package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.ViewTopology;
import io.matstore.precompute.ops.OpsEndpoint;
import io.matstore.schemas.ViewDescriptor;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a view until the process is stopped (SIGTERM / Ctrl-C: a shutdown hook closes the ops endpoint and
 * the job) or the job fails. Interrupting the thread that runs the command stops it the same way, which is how an
 * in-process caller (a test) ends it. Stdout gets the ops endpoint's address and one line when the job is first
 * RUNNING.
 */
@Command(
        name = "run",
        description = {
            "Run a view (--view) until stopped (Ctrl-C / SIGTERM close it cleanly).",
            "Exit codes: 0 stopped, 1 the job failed or the ops endpoint could not start, 2 invalid settings."
        })
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(
            names = "--view",
            paramLabel = "NAME",
            description = "The view to run, one of those on the class path; may be left out when there is only one.")
    String viewName;

    @Override
    public Integer call() {
        PrecomputeConfig settings = config.load();
        View<?, ?> view = ViewOption.create(spec, viewName, settings);
        ViewDescriptor descriptor = view.descriptor();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean announced = new AtomicBoolean();
        String running = "view " + descriptor.name() + " v" + descriptor.version() + " is RUNNING (application "
                + ViewTopology.applicationId(descriptor) + "): reading " + view.sourceTopics() + " on "
                + settings.bootstrapServers() + ", writing " + descriptor.topic();
        ViewRunner.Running job = ViewRunner.start(view, settings, (now, before) -> {
            if (now == KafkaStreams.State.RUNNING && announced.compareAndSet(false, true)) {
                LOG.info(running);
                out.println(running);
                out.flush();
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        OpsEndpoint ops;
        try {
            ops = startOps(settings, List.of(job), out);
        } catch (UncheckedIOException e) {
            job.close();
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        Stopper stopper = new Stopper(ops, job);
        Thread hook = new Thread(
                () -> {
                    stopper.stop();
                    stopped.countDown();
                },
                "precompute-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info(
                "view {} reading {} on {}, writing {}",
                descriptor,
                view.sourceTopics(),
                settings.bootstrapServers(),
                descriptor.topic());
        boolean interrupted = false;
        try {
            while (!stopped.await(30, TimeUnit.SECONDS)) {
                LOG.info("view {}: {}", descriptor, job.counters());
            }
        } catch (InterruptedException e) {
            interrupted = true; // asked to stop, like SIGTERM; the flag is restored once the clients are closed
        } finally {
            boolean failed = job.streams().state() == KafkaStreams.State.ERROR;
            stopper.stop();
            removeHook(hook);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failed) {
                spec.commandLine().getErr().println("view " + descriptor + " failed; see the log");
            }
        }
        return job.streams().state() == KafkaStreams.State.ERROR ? 1 : 0;
    }

    /**
     * Starts the ops endpoint of {@code jobs} as the settings say and prints its address, or returns {@code null}
     * when {@code http.port} is {@value PrecomputeConfig#HTTP_PORT_NONE}.
     */
    static OpsEndpoint startOps(PrecomputeConfig settings, List<ViewRunner.Running> jobs, PrintWriter out) {
        if (settings.httpPort() == PrecomputeConfig.HTTP_PORT_NONE) {
            return null;
        }
        OpsEndpoint ops = OpsEndpoint.start(settings.httpHost(), settings.httpPort(), jobs);
        out.println("ops endpoint on " + ops.url() + " (/metrics /healthz /readyz)");
        out.flush();
        return ops;
    }

    /** A hook registered by a command that returns is not needed any more (unless the JVM is already exiting). */
    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran; what it closes is closed once
        }
    }

    /** Closes the endpoint, then the job, once: the shutdown hook and the command's own thread may both try. */
    static final class Stopper {
        private final OpsEndpoint ops;
        private final ViewRunner.Running job;
        private final AtomicBoolean stopped = new AtomicBoolean();

        Stopper(OpsEndpoint ops, ViewRunner.Running job) {
            this.ops = ops;
            this.job = job;
        }

        void stop() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            if (ops != null) {
                ops.close();
            }
            job.close();
        }
    }
}
