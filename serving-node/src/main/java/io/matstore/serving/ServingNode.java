package io.matstore.serving;

import io.matstore.serving.cluster.ClusterSettings;
import io.matstore.serving.cluster.Membership;
import io.matstore.serving.cluster.MoveState;
import io.matstore.serving.cluster.Rebalancer;
import io.matstore.serving.cluster.TopicPartitionCounts;
import io.matstore.serving.internal.AdaptiveLimit;
import io.matstore.serving.internal.ClusterRefresher;
import io.matstore.serving.internal.ConnectionLimits;
import io.matstore.serving.internal.JsonRenderers;
import io.matstore.serving.internal.LoadShedder;
import io.matstore.serving.internal.LoopCpu;
import io.matstore.serving.internal.LoopLag;
import io.matstore.serving.internal.NodeContext;
import io.matstore.serving.internal.ProbeServer;
import io.matstore.serving.internal.RequestTracing;
import io.matstore.serving.internal.ServerChannelInitializer;
import io.matstore.serving.internal.ServingMetrics;
import io.matstore.serving.internal.StatusMonitor;
import io.matstore.serving.internal.TlsMaterial;
import io.matstore.serving.internal.Transport;
import io.matstore.serving.internal.ViewRoute;
import io.matstore.serving.internal.admin.AdminServer;
import io.matstore.store.ResponseStore;
import io.matstore.store.VersionedResponseStore;
import io.matstore.view.ViewPlugins;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving node: the HTTP server over a {@link ResponseStore}, startable and stoppable in process (the local-stack
 * launcher and tests use it; {@link ServingNodeMain} wraps it for the command line).
 *
 * <pre>
 *   ServingNode node = new ServingNode();
 *   VersionedResponseStore store = ResponseStores.open(storeConfig, node.meterRegistry());  // store meters too
 *   int port = node.start(store, ServingConfig.of(Map.of("serving.port", "0")));
 *   ...
 *   node.close();   // stops the server and the status refresh; the store stays the caller's to close
 * </pre>
 *
 * <p>/metrics serves {@link #meterRegistry()}: the node's own meters (requests, staleness, shedding, readiness, the
 * views' freshness objectives), JVM and process meters, and whatever the store registers there.
 *
 * <p>Tracing ({@code serving.tracing.enabled}) uses the {@link OpenTelemetry} given to the constructor, or else
 * {@link GlobalOpenTelemetry#get()} (the Java agent's), asked at start and only when tracing is enabled.
 */
public final class ServingNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServingNode.class);

    private final Clock clock;
    /** Null: GlobalOpenTelemetry's, resolved at start when tracing is enabled. */
    private final OpenTelemetry openTelemetry;

    private final ServingMetrics metrics = new ServingMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private EventLoopGroup group;
    private Channel server;
    private ScheduledExecutorService scheduler;
    private volatile StatusMonitor monitor;
    private AdminServer admin;
    private ProbeServer probes;
    private ConnectionLimits limits;
    private ScheduledExecutorService clusterThread;
    private Membership membership;
    private TopicPartitionCounts partitionCounts;
    private ClusterRefresher cluster;
    private final MoveState moves = new MoveState();
    private ScheduledExecutorService movesThread;
    private Rebalancer rebalancer;
    private ServingConfig config;
    private int port = -1;

    public ServingNode() {
        this(Clock.systemUTC());
    }

    /** @param clock wall clock for Age and freshness decisions (tests pass a fixed one) */
    public ServingNode(Clock clock) {
        this.clock = clock;
        this.openTelemetry = null;
    }

    /**
     * @param clock         wall clock for Age and freshness decisions
     * @param openTelemetry traces GET lookups when {@code serving.tracing.enabled} is set (an SDK: the embedder's own,
     *                      or a test's); used instead of {@link GlobalOpenTelemetry}
     */
    public ServingNode(Clock clock, OpenTelemetry openTelemetry) {
        this.clock = clock;
        this.openTelemetry = java.util.Objects.requireNonNull(openTelemetry, "openTelemetry");
    }

    /**
     * The registry /metrics serves, there from construction so that the store can be opened with it before
     * {@link #start}: {@code ResponseStores.open(config, node.meterRegistry())}.
     */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /**
     * Binds the server and starts the status refresh. Status is refreshed once before the port opens, so /readyz
     * and stale marking are right from the first request.
     *
     * With {@code serving.admin.port} ≥ 0 the admin listener starts too; it needs a {@link VersionedResponseStore}.
     *
     * @return the bound port (the configured one, or the one picked for {@code serving.port=0})
     * @throws IllegalStateException when already started
     * @throws IllegalArgumentException when the admin listener is configured but the store cannot manage versions
     */
    public synchronized int start(ResponseStore store, ServingConfig config) {
        return start(store, config, null);
    }

    /**
     * {@link #start(ResponseStore, ServingConfig)} with Kafka client settings, for the cluster side: partition counts
     * of the view topics (so misdirected keys answer 421), and in cluster mode ({@code cluster.name} set) the
     * membership: the node announces itself on {@code matstore.<cluster>.members} from the moment its port is bound
     * (not ready, holding nothing, until the store holds and loads a version) and {@link #close} writes its
     * tombstone. Choose the partitions to load with {@link #membership()}: {@code settledCells}, then
     * {@link io.matstore.serving.cluster.Assignment#partitionsOf}.
     *
     * @param kafka {@code bootstrap.servers} and the {@code kafka.*} client settings (e.g.
     *              {@code StoreSettings.clientProperties()}), or null (standalone only)
     * @throws IllegalArgumentException in cluster mode without Kafka settings
     */
    public synchronized int start(ResponseStore store, ServingConfig config, Map<String, Object> kafka) {
        ClusterSettings clusterSettings = config.cluster();
        if (clusterSettings.clustered() && kafka == null) {
            throw new IllegalArgumentException(ClusterSettings.NAME + "=" + clusterSettings.name()
                    + " but no Kafka client settings were given for the membership topic");
        }
        if (server != null) {
            throw new IllegalStateException("already started on port " + port);
        }
        if (config.adminPort() >= 0 && !(store instanceof VersionedResponseStore)) {
            throw new IllegalArgumentException(ServingConfig.ADMIN_PORT + "=" + config.adminPort() + " but the store ("
                    + store.getClass().getSimpleName() + ") cannot manage versions");
        }
        this.config = config;
        JsonRenderers renderers = JsonRenderers.of(ViewPlugins.discover());
        List<ViewRoute> routes = new ArrayList<>();
        for (ViewSettings view : config.views()) {
            routes.add(new ViewRoute(view, renderers.forView(view.view()), metrics.forView(view)));
        }
        monitor = new StatusMonitor(store, routes, metrics, clock::millis);
        monitor.run();
        metrics.bindReadiness(this::isReady);
        metrics.bindJvmAndProcess();
        AdaptiveLimit adaptive = !config.shedAdaptive()
                ? null
                : new AdaptiveLimit(
                        Math.max(config.shedMinLimit(), config.shedMaxInFlight() / 4),
                        config.shedMinLimit(),
                        config.shedMaxInFlight(),
                        (long) (config.shedLatencyTargetMillis() * 1_000_000),
                        config.shedBackoff(),
                        Math.max(1, config.shedWindowMillis() / 10),
                        clock::millis);
        LoopLag lag = config.shedLagTargetMillis() == 0
                ? null
                : new LoopLag(
                        (long) (config.shedLagTargetMillis() * 1_000_000),
                        config.shedLagIntervalMillis() * 1_000_000,
                        System::nanoTime);
        LoopCpu cpu = config.shedCpuTarget() == 0
                ? null
                : new LoopCpu(
                        config.shedCpuTarget(),
                        config.shedCpuIntervalMillis() * 1_000_000,
                        System::nanoTime,
                        loopThreadCpu());
        LoadShedder shedder = new LoadShedder(
                config.shedMaxInFlight(),
                config.shedMaxRejectionRatio(),
                config.shedWindowMillis(),
                clock::millis,
                adaptive,
                lag,
                cpu);
        RequestTracing tracing = RequestTracing.create(
                config.tracingEnabled(), openTelemetry != null ? () -> openTelemetry : GlobalOpenTelemetry::get);
        try {
            partitionCounts = kafka == null ? null : new TopicPartitionCounts(kafka);
            membership = clusterSettings.clustered() ? Membership.start(clusterSettings, kafka, clock::millis) : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        cluster = new ClusterRefresher(
                store,
                routes,
                monitor,
                clusterSettings,
                membership,
                partitionCounts,
                this::isReady,
                clock::millis,
                moves);
        NodeContext node = new NodeContext(
                store,
                config,
                routes.toArray(new ViewRoute[0]),
                metrics,
                shedder,
                monitor,
                cluster,
                clock::millis,
                tracing);

        Transport transport = Transport.choose(config.transport());
        if (limits == null) { // meters register once per registry, and a node starts once
            limits = new ConnectionLimits(config, metrics.registry());
            io.micrometer.core.instrument.Gauge.builder("matstore_in_flight", shedder, LoadShedder::inFlight)
                    .description("Admitted view requests whose response is not yet written to the socket")
                    .register(metrics.registry());
            io.micrometer.core.instrument.Gauge.builder("matstore_shed_limit", shedder, LoadShedder::limit)
                    .description("The in-flight limit now (adaptive or serving.shed.max.in.flight)")
                    .register(metrics.registry());
            if (lag != null) {
                io.micrometer.core.instrument.Gauge.builder("matstore_shed_probability", lag, LoopLag::shedProbability)
                        .description("Share of view requests shed on the event loops' lag (PIE)")
                        .register(metrics.registry());
            }
            if (cpu != null) {
                io.micrometer.core.instrument.Gauge.builder(
                                "matstore_shed_cpu_probability", cpu, LoopCpu::shedProbability)
                        .description("Share of view requests shed on the event loops' CPU utilisation (PIE)")
                        .register(metrics.registry());
                io.micrometer.core.instrument.Gauge.builder("matstore_loop_cpu_utilisation", cpu, LoopCpu::utilisation)
                        .description("Event loops' CPU time over wall time in the last serving.shed.cpu.interval.ms")
                        .register(metrics.registry());
            }
        }
        TlsMaterial tls = TlsMaterial.of(config);
        group = new MultiThreadIoEventLoopGroup(config.ioThreads(), transport.io());
        if (lag != null) {
            // a tenth of the interval, so that each interval has about ten probes per loop for its minimum
            long period = Math.max(100_000, config.shedLagIntervalMillis() * 100_000);
            for (io.netty.util.concurrent.EventExecutor loop : group) {
                loop.scheduleWithFixedDelay(lag.probe(period), period, period, TimeUnit.NANOSECONDS);
            }
        }
        if (cpu != null) {
            // four readings per interval: one loop's reading closes it about a quarter of an interval late at worst
            long period = Math.max(100_000, config.shedCpuIntervalMillis() * 250_000);
            for (io.netty.util.concurrent.EventExecutor loop : group) {
                loop.scheduleWithFixedDelay(cpu.probe(), period, period, TimeUnit.NANOSECONDS);
            }
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "matstore-status-refresh");
            t.setDaemon(true);
            return t;
        });
        try {
            server = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(config.writeBufferLowBytes(), config.writeBufferHighBytes()))
                    .childHandler(new ServerChannelInitializer(node, limits, tls))
                    .bind(config.host(), config.port())
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (config.probePort() >= 0) {
            try {
                probes = ProbeServer.start(node, transport);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            LOG.info("probes (/healthz /readyz /metrics) on {}:{}", config.host(), probes.port());
        }
        if (config.adminPort() >= 0) {
            try {
                admin = AdminServer.start((VersionedResponseStore) store, config, monitor, tls);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            if (config.adminToken() == null) {
                LOG.info(
                        "admin endpoint on {}:{}, bearer token (generated, {} empty): {}",
                        config.adminHost(),
                        admin.port(),
                        ServingConfig.ADMIN_TOKEN,
                        admin.token());
            } else {
                LOG.info(
                        "admin endpoint on {}:{} (bearer token of {})",
                        config.adminHost(),
                        admin.port(),
                        ServingConfig.ADMIN_TOKEN);
            }
        }
        scheduler.scheduleWithFixedDelay(
                monitor, config.statusRefreshMillis(), config.statusRefreshMillis(), TimeUnit.MILLISECONDS);
        if (tls != null) {
            scheduler.scheduleWithFixedDelay(
                    tls::reloadIfChanged, config.tlsReloadMillis(), config.tlsReloadMillis(), TimeUnit.MILLISECONDS);
        }
        port = ((InetSocketAddress) server.localAddress()).getPort();
        String url = clusterSettings.urlFor(config.host(), port, tls != null);
        cluster.identify(clusterSettings.nodeIdFor(config.host(), port), url);
        cluster.run();
        clusterThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "matstore-cluster");
            t.setDaemon(true);
            return t;
        });
        clusterThread.scheduleWithFixedDelay(
                cluster, config.statusRefreshMillis(), config.statusRefreshMillis(), TimeUnit.MILLISECONDS);
        if (membership != null) {
            LOG.info(
                    "node {} of cell {} in cluster {}, advertised as {}",
                    cluster.nodeId(),
                    clusterSettings.cellId(),
                    clusterSettings.name(),
                    url);
        }
        LOG.info(
                "serving {} on {}:{} ({})",
                config.views().stream().map(ViewSettings::view).toList(),
                config.host(),
                port,
                transport.name());
        return port;
    }

    /**
     * Starts moving partitions when the assignment changes (cluster mode): a {@link Rebalancer} on its own thread,
     * every {@code serving.status.refresh.ms}, over {@code store} (the store this node was started with). Call it
     * once the store holds its first version (after choosing partitions with {@link #membership()}); not with an
     * explicit {@code store.partitions} override, which the rebalancer would undo.
     *
     * @throws IllegalStateException when the node is not started in cluster mode, or moves already run
     */
    public synchronized void startMoves(VersionedResponseStore store) {
        if (membership == null || cluster == null) {
            throw new IllegalStateException("moves need a started node in cluster mode (" + ClusterSettings.NAME
                    + " set, Kafka client settings given)");
        }
        if (rebalancer != null) {
            throw new IllegalStateException("moves already run");
        }
        List<String> names = new ArrayList<>();
        for (ViewSettings v : config.views()) {
            names.add(v.view());
        }
        TopicPartitionCounts counts = partitionCounts;
        rebalancer =
                new Rebalancer(store, names, membership, moves, counts::partitions, cluster.nodeId(), clock::millis);
        movesThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "matstore-moves");
            t.setDaemon(true);
            return t;
        });
        movesThread.scheduleWithFixedDelay(rebalancer, 0, config.statusRefreshMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Hands this node's partitions over before it stops (cluster mode, with {@link #startMoves}): announces itself
     * leaving and waits until every partition it holds is loaded by the nodes that now own it and released here
     * after {@code cluster.move.grace.ms}. A whole cell leaves when all its nodes leave (call this on each of them
     * at the same time); a replica leaving alone hands over to its own cell's other nodes at once. Then
     * {@link #close} the node.
     *
     * @return true when everything was handed over (at once when moves do not run: nothing to hand over), false on
     *         timeout
     */
    public boolean leave(Duration timeout) throws InterruptedException {
        Rebalancer r;
        synchronized (this) {
            r = rebalancer;
        }
        if (r == null) {
            return true;
        }
        r.leave();
        return r.drained().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The admin listener's port, or -1 when it is off or the node is not started. */
    public synchronized int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** The probe listener's port, or -1 when it is off or the node is not started. */
    public synchronized int probePort() {
        return probes == null ? -1 : probes.port();
    }

    /**
     * The bearer token the admin listener requires ({@code serving.admin.token}, or the one it generated), or null
     * when it is off or the node is not started.
     */
    public synchronized String adminToken() {
        return admin == null ? null : admin.token();
    }

    /** The cluster membership this node announces itself in, or null when standalone or not started. */
    public synchronized Membership membership() {
        return membership;
    }

    /** This node's id in /v1/cluster and the membership, or null before start. */
    public synchronized String nodeId() {
        return cluster == null ? null : cluster.nodeId();
    }

    /** The bound port, or -1 before start. */
    public synchronized int port() {
        return port;
    }

    /** Folds the store's status in now instead of at the next scheduled refresh (operators, tests). */
    public void refreshStatus() {
        StatusMonitor m = monitor;
        if (m != null) {
            m.run();
        }
    }

    /** Whether /readyz answers 200. */
    public boolean isReady() {
        StatusMonitor m = monitor;
        return m != null && m.readiness().ready();
    }

    /** Stops accepting, closes connections and the status refresh. Idempotent. Does not close the store. */
    @Override
    public synchronized void close() {
        if (movesThread != null) {
            movesThread.shutdown(); // a move in progress finishes: the store records each step
            try {
                if (!movesThread.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("a partition move still runs after 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            movesThread = null;
            rebalancer = null;
        }
        if (clusterThread != null) {
            clusterThread.shutdownNow();
            try {
                clusterThread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            clusterThread = null;
        }
        if (membership != null) {
            membership.close(); // the tombstone first: others stop routing here before the port closes
            membership = null;
        }
        if (partitionCounts != null) {
            partitionCounts.close();
            partitionCounts = null;
        }
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (probes != null) {
            probes.close();
            probes = null;
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
        monitor = null; // not ready once closed (matstore_ready too)
        metrics.close();
        port = -1;
    }

    /**
     * The calling thread's CPU time (HotSpot reads the thread's CPU clock natively, allocating nothing), for the
     * CPU shed signal; refuses to start without it rather than shed on a clock that never moves.
     */
    private static java.util.function.LongSupplier loopThreadCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException(ServingConfig.SHED_CPU_TARGET
                    + " is set but this JVM cannot read a thread's CPU time; set it to 0");
        }
        if (!threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        return threads::getCurrentThreadCpuTime;
    }
}
