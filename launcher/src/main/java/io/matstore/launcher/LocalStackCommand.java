package io.matstore.launcher;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewFactories;
import io.matstore.precompute.ViewFactory;
import io.matstore.precompute.ViewRunner;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.StoreSettings;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import io.matstore.view.ViewPlugins;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code matstore local}: the whole pipeline on one machine in one process — an embedded Kafka broker, the precompute
 * job of every view on the class path (version 1), a serving node with its store serving them all, and the demo
 * generator — until Ctrl-C, which closes them in reverse
 * order. Data lives under {@code --data-dir}, so a restart is warm.
 */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = "Run the local stack: Kafka, the offers precompute job, a serving node and demo traffic.")
final class LocalStackCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStackCommand.class);

    @Option(
            names = "--data-dir",
            defaultValue = ".local",
            description = "Kafka log, job state and store (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Kafka client port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "Serving node HTTP port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--admin-port",
            defaultValue = "8090",
            description = "Admin endpoint port, loopback only (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(
            names = "--products",
            defaultValue = "1000",
            description = "Demo catalogue size (default: ${DEFAULT-VALUE}).")
    int products;

    @Option(
            names = "--rate",
            defaultValue = "20",
            description = "Demo events per second after the catalogue (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--demo-seconds",
            defaultValue = "3600",
            description = "Stop demo traffic after this long (default: ${DEFAULT-VALUE}).")
    long demoSeconds;

    @Option(
            names = "--ready-timeout",
            defaultValue = "180",
            description = "Seconds to wait for readiness (default: ${DEFAULT-VALUE}).")
    long readyTimeoutSeconds;

    /** The version each view starts at; later ones come through a rebuild. */
    private static final int FIRST_VERSION = 1;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    @Override
    public Integer call() throws Exception {
        Path root = dataDir.toAbsolutePath();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.countDown();
                            closeAll();
                        },
                        "local-stack-shutdown"));

        EmbeddedKafka kafka = EmbeddedKafka.inDir(root.resolve("kafka"), kafkaPort, Map.of());
        started.push(kafka);
        kafka.start();
        String bootstrap = kafka.bootstrapServers();

        PrecomputeConfig precompute = PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                PrecomputeConfig.STATE_DIR,
                root.resolve("precompute").toString()));
        ViewPlugins views = ViewPlugins.discover();
        ViewFactories jobs = ViewFactories.discover();
        List<ViewDescriptor> served = new ArrayList<>();
        for (String name : views.names()) {
            ViewFactory job = jobs.find(name);
            if (job == null) {
                LOG.warn("view {} has no precompute logic on the class path; not served", name);
                continue;
            }
            View<?, ?> view = job.create(precompute, FIRST_VERSION);
            started.push(ViewRunner.start(view, precompute));
            served.add(view.descriptor());
        }

        StoreSettings storeSettings = StoreSettings.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                StoreSettings.DATA_DIR,
                root.resolve("store").toString()));
        ServingNode node = new ServingNode();
        VersionedResponseStore store = StoreBootstrap.open(storeSettings, served, node.meterRegistry());
        started.push(store);
        startJobsOfOtherHeldVersions(store, jobs, precompute);
        started.push(node);
        int port = node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT,
                        String.valueOf(httpPort),
                        ServingConfig.ADMIN_PORT,
                        String.valueOf(adminPort),
                        ServingConfig.VIEWS,
                        String.join(
                                ",", served.stream().map(ViewDescriptor::name).toList()))));
        // Printed before readiness: a restarted node answers from its kept store at once, while it catches up.
        System.out.println("serving node listening on http://127.0.0.1:" + port + " (ready once caught up)");

        SourceEventFormat<?> events = demoEvents(jobs);
        if (events != null) {
            started.push(new DemoPublisher(events, precompute, products, rate, demoSeconds).start());
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readyTimeoutSeconds);
        while (!node.isReady() && System.nanoTime() < deadline && stop.getCount() > 0) {
            Thread.sleep(200);
        }
        if (stop.getCount() == 0) {
            return 0; // stopped while starting: the shutdown hook closes what was started
        }
        if (!node.isReady()) {
            LOG.error(
                    "the serving node is not ready after {} s; see http://127.0.0.1:{}/readyz",
                    readyTimeoutSeconds,
                    port);
        }
        printWelcome(bootstrap, port, node.adminPort(), node.adminToken());
        stop.await();
        return 0;
    }

    /**
     * A version the node holds besides the configured one (rebuilt with {@code precompute replay} and perhaps swapped
     * in) needs its job too, or it goes stale once this stack restarts: each resumes from its group's offsets, as
     * {@code replay --resume} would.
     */
    private void startJobsOfOtherHeldVersions(
            VersionedResponseStore store, ViewFactories jobs, PrecomputeConfig precompute) {
        for (ViewStatus held : store.status()) {
            ViewFactory job = jobs.find(held.view());
            if (job == null || held.version() == FIRST_VERSION) {
                continue;
            }
            View<?, ?> other;
            try {
                other = job.create(precompute, held.version());
            } catch (IllegalArgumentException | ConfigException e) {
                LOG.warn(
                        "the node holds {} v{} but this build has no such version of the view: {}",
                        held.view(),
                        held.version(),
                        e.getMessage());
                continue;
            }
            try {
                started.push(ViewRunner.start(other, precompute));
            } catch (RuntimeException e) { // the stack still serves; that version goes stale, and /readyz says so
                LOG.error("cannot run the job of {} v{}", held.view(), held.version(), e);
                continue;
            }
            LOG.info(
                    "running the job of {} v{} too: the node holds it{}",
                    held.view(),
                    held.version(),
                    held.current() ? " and it answers" : "");
        }
    }

    /** The source events of the first view present that has them (views may share one source topic), or null. */
    private static SourceEventFormat<?> demoEvents(ViewFactories jobs) {
        for (ViewFactory job : jobs.factories()) {
            if (job.sourceEvents() != null) {
                return job.sourceEvents();
            }
        }
        LOG.warn("no view on the class path has source events: no demo traffic");
        return null;
    }

    private void printWelcome(String bootstrap, int port, int admin, String token) {
        String base = "http://127.0.0.1:" + port;
        String adminUrl = "http://127.0.0.1:" + admin;
        String sku = "SKU-000001"; // in every demo catalogue
        System.out.println();
        System.out.println("matstore local stack is up (Ctrl-C stops everything).");
        System.out.println("  Kafka            " + bootstrap);
        System.out.println("  serving node     " + base);
        System.out.println("  admin endpoint   " + adminUrl + "   (loopback only; bearer token " + token + ")");
        System.out.println();
        System.out.println("Try:");
        System.out.println("  curl -i '" + base + "/v1/views/offers?sku=" + sku + "&region=eu&currency=USD&tier=gold'");
        System.out.println("  curl -s -H 'Accept: application/json' '" + base + "/v1/views/offers?sku=" + sku
                + "&region=us&currency=EUR&tier=standard'");
        System.out.println("  curl -s " + base + "/readyz");
        System.out.println("  curl -s " + base + "/metrics        # Prometheus text format");
        System.out.println("  bin/matstore admin status --url " + adminUrl + " --token " + token
                + "   # versions, load phase, lag");
        System.out.println("  bin/matstore precompute publish --set bootstrap.servers=" + bootstrap
                + " events.jsonl   # your own events");
        System.out.println();
    }

    private synchronized void closeAll() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            long start = System.nanoTime();
            try {
                c.close();
                LOG.info(
                        "stopped {} in {} ms",
                        c.getClass().getSimpleName(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } catch (Exception e) {
                LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
