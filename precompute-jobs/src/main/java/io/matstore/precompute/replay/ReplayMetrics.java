package io.matstore.precompute.replay;

import io.matstore.schemas.ViewDescriptor;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes a replay's progress as a JMX MBean on the platform server, read from the monitor's latest snapshot.
 * JMX because the module has no metrics library and every JVM tool (jconsole, the Prometheus JMX exporter) reads it.
 */
final class ReplayMetrics implements ReplayMXBean {
    /** Which instance holds each name, so closing a replaced replay does not unregister its successor. */
    private static final ConcurrentMap<ObjectName, ReplayMetrics> OWNERS = new ConcurrentHashMap<>();

    private final ViewDescriptor view;
    private final Supplier<ReplayProgress> progress;
    private final ObjectName name;

    ReplayMetrics(ViewDescriptor view, Supplier<ReplayProgress> progress) {
        this.view = view;
        this.progress = progress;
        this.name = objectName(view);
    }

    static ObjectName objectName(ViewDescriptor view) {
        try {
            return new ObjectName(
                    "io.matstore.precompute:type=Replay,view=" + view.name() + ",version=" + view.version());
        } catch (JMException e) {
            throw new IllegalArgumentException("no JMX name for view " + view, e);
        }
    }

    /** Registers, replacing a bean of an earlier replay of the same version in this JVM. */
    void register() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        synchronized (OWNERS) {
            OWNERS.put(name, this);
            try {
                try {
                    server.registerMBean(this, name);
                } catch (InstanceAlreadyExistsException e) {
                    server.unregisterMBean(name);
                    server.registerMBean(this, name);
                }
            } catch (JMException e) {
                throw new IllegalStateException("cannot register " + name, e);
            }
        }
    }

    void unregister() {
        synchronized (OWNERS) {
            if (!OWNERS.remove(name, this)) {
                return; // replaced by a later replay of the same version, which owns the name now
            }
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (InstanceNotFoundException e) {
                // unregistered by someone else: nothing left to do
            } catch (JMException e) {
                throw new IllegalStateException("cannot unregister " + name, e);
            }
        }
    }

    @Override
    public String getView() {
        return view.name();
    }

    @Override
    public int getVersion() {
        return view.version();
    }

    @Override
    public String getPhase() {
        return progress.get().phase().name();
    }

    @Override
    public long getTotalRecords() {
        return progress.get().total();
    }

    @Override
    public long getConsumedRecords() {
        return progress.get().consumed();
    }

    @Override
    public long getRemainingRecords() {
        return progress.get().remaining();
    }

    @Override
    public boolean isCaughtUp() {
        return progress.get().caughtUp();
    }
}
