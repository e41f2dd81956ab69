package io.matstore.serving.internal;

import io.matstore.store.ResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the store's status into what the hot path and /readyz read, off the hot path: run every
 * {@code serving.status.refresh.ms} by the node, it publishes per view the held versions with their freshness
 * (a volatile snapshot in each {@link ViewRoute}) and the readiness verdict.
 *
 * <p>A version is {@link Freshness#INGEST_ERROR} when its status carries an ingest error, {@link Freshness#LAGGING}
 * when {@code now - lastCaughtUpMillis > freshness objective} (or it was never caught up), else fresh.
 *
 * <p>Each version also gets the time its values were last known current, from which the hot path derives
 * {@code Age}: "now" ({@link #CAUGHT_UP}) while it is caught up (no ingest error, no lag, caught up within
 * {@link #CAUGHT_UP_SLACK_MILLIS}), else its {@code lastCaughtUpMillis}.
 *
 * <p>Readiness means "can answer": the node is ready when every served view has a current version that has
 * finished its first load. A stale version keeps the node ready (one broker outage must not take every replica out
 * of the load balancer at once); the reason then says how stale, and the answers say so themselves.
 */
public final class StatusMonitor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusMonitor.class);
    /** Known current as of "now": Age 0. */
    static final long CAUGHT_UP = Long.MAX_VALUE;
    /**
     * How old a caught-up observation may be and still count as "caught up now": the store checks its end offsets
     * every few hundred ms and this monitor runs every {@code serving.status.refresh.ms}, so a healthy version's
     * last observation is always somewhat in the past; a second keeps {@code Age: 0} through that jitter.
     */
    static final long CAUGHT_UP_SLACK_MILLIS = 1_000;

    private final ResponseStore store;
    private final List<ViewRoute> routes;
    private final ServingMetrics metrics;
    private final LongSupplier clockMillis;
    private volatile Readiness readiness = new Readiness(false, Map.of());
    private volatile List<ViewStatus> lastStatus = List.of();

    /** Whether the node is ready, and per view why (or "ready"). */
    public record Readiness(boolean ready, Map<String, String> reasons) {}

    public StatusMonitor(
            ResponseStore store, List<ViewRoute> routes, ServingMetrics metrics, LongSupplier clockMillis) {
        this.store = store;
        this.routes = List.copyOf(routes);
        this.metrics = metrics;
        this.clockMillis = clockMillis;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** The store's status as last read (empty before the first refresh or while the store cannot report it). */
    public List<ViewStatus> lastStatus() {
        return lastStatus;
    }

    /**
     * One refresh. Nothing escapes but a fatal error: the node runs this on a fixed-delay schedule, and anything
     * thrown out of it cancels the schedule silently, freezing the last verdict (possibly "fresh") forever. A failure
     * of the store's status (an exception, or an error the thread survives: out of memory, a stack overflow, an
     * assertion or linkage error) marks every version's freshness unknown and the node not ready, until a later
     * refresh succeeds. A fatal error (the JVM's own {@link InternalError}, {@link UnknownError}) does the same with
     * a reason that says the monitor stopped, then propagates: the verdict it leaves is "not ready".
     */
    @Override
    public void run() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // A store that cannot report its status cannot vouch for freshness: answers become stale, not errors.
            LOG.warn("store status unavailable; answers are marked stale until it is back", e);
            statusUnknown("store status unavailable: " + e);
        } catch (Error e) {
            if (survivable(e)) {
                LOG.error("store status failed with an error; answers are marked stale until it is back", e);
                statusUnknown("store status unavailable: " + e);
                return;
            }
            LOG.error("status monitor stopped by a fatal error; the node stays not ready, restart it", e);
            statusUnknown("status monitor stopped by a fatal error, restart the node: " + e);
            throw e;
        }
    }

    /** Errors a refresh may meet and the next one may not: all but the JVM's own faults other than heap and stack. */
    static boolean survivable(Error e) {
        return !(e instanceof VirtualMachineError) || e instanceof OutOfMemoryError || e instanceof StackOverflowError;
    }

    private void statusUnknown(String reason) {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (ViewRoute route : routes) {
            ViewRoute.Versions old = route.versions();
            int[] unknown = new int[old.held().length];
            java.util.Arrays.fill(unknown, Freshness.STATUS_UNKNOWN);
            // when the values were last known current does not change because the status cannot be read
            route.versions(new ViewRoute.Versions(old.current(), old.held(), unknown, old.currentAsOfMillis()));
            reasons.put(route.name(), reason);
        }
        readiness = new Readiness(false, reasons);
    }

    private void refresh() {
        long now = clockMillis.getAsLong();
        List<ViewStatus> all = store.status();
        lastStatus = List.copyOf(all);
        Map<String, String> reasons = new LinkedHashMap<>();
        boolean ready = true;
        for (ViewRoute route : routes) {
            ViewReader current = store.current(route.name());
            int currentVersion = current == null ? 0 : current.descriptor().version();
            List<ViewStatus> mine = new ArrayList<>();
            for (ViewStatus s : all) {
                if (s.view().equals(route.name())) {
                    mine.add(s);
                    metrics.onStatus(s);
                }
            }
            mine.sort((a, b) -> Integer.compare(b.version(), a.version()));
            int[] held = new int[mine.size()];
            int[] freshness = new int[mine.size()];
            long[] currentAsOf = new long[mine.size()];
            String reason = currentVersion == 0 ? "no current version held" : null;
            String stale = null;
            for (int i = 0; i < held.length; i++) {
                ViewStatus s = mine.get(i);
                held[i] = s.version();
                freshness[i] = freshnessOf(s, route.settings().freshnessObjectiveMillis(), now);
                currentAsOf[i] = currentAsOf(s, now);
                if (s.version() == currentVersion && !s.loaded()) {
                    reason = "version " + currentVersion + " cannot answer yet: " + describe(s, now);
                } else if (s.version() == currentVersion && freshness[i] != Freshness.FRESH) {
                    stale = "ready, answering stale: version " + currentVersion + " " + describe(s, now);
                }
            }
            if (currentVersion != 0 && !contains(held, currentVersion)) {
                reason = "no status for current version " + currentVersion;
            }
            route.versions(new ViewRoute.Versions(currentVersion, held, freshness, currentAsOf));
            reasons.put(route.name(), reason != null ? reason : stale != null ? stale : "ready");
            ready &= reason == null;
        }
        metrics.retainVersions(all);
        readiness = new Readiness(ready, reasons);
    }

    static int freshnessOf(ViewStatus s, long objectiveMillis, long nowMillis) {
        if (s.ingestError() != null) {
            return Freshness.INGEST_ERROR;
        }
        if (s.lastCaughtUpMillis() == 0 || nowMillis - s.lastCaughtUpMillis() > objectiveMillis) {
            return Freshness.LAGGING;
        }
        return Freshness.FRESH;
    }

    /** {@link #CAUGHT_UP} while the version is caught up, else when it last was (0: never, in this process). */
    static long currentAsOf(ViewStatus s, long nowMillis) {
        boolean caughtUp = s.ingestError() == null
                && s.totalLag() == 0
                && s.lastCaughtUpMillis() > 0
                && nowMillis - s.lastCaughtUpMillis() <= CAUGHT_UP_SLACK_MILLIS;
        return caughtUp ? CAUGHT_UP : s.lastCaughtUpMillis();
    }

    private static String describe(ViewStatus s, long now) {
        if (!s.loaded()) {
            return "its first load is under way (" + s.phase() + ", lag " + s.totalLag() + " records)";
        }
        if (s.ingestError() != null) {
            return "ingest error: " + s.ingestError();
        }
        if (s.lastCaughtUpMillis() == 0) {
            return "ingest never caught up (lag " + s.totalLag() + " records)";
        }
        return "ingest last caught up " + (now - s.lastCaughtUpMillis()) + " ms ago (lag " + s.totalLag() + " records)";
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
