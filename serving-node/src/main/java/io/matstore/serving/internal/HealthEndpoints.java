package io.matstore.serving.internal;

import io.netty.buffer.ByteBufAllocator;
import java.util.Map;

/** {@code /healthz} (the process answers), {@code /readyz} (see {@link StatusMonitor}) and {@code /metrics}. */
public final class HealthEndpoints {
    static final int HEALTHZ = 0;
    static final int READYZ = 1;
    static final int METRICS = 2;

    private HealthEndpoints() {}

    static void answer(NodeContext node, int which, boolean keepAlive, ByteBufAllocator alloc, Answer answer) {
        switch (which) {
            case HEALTHZ:
                answer.set(
                        HttpErrors.response(alloc, 200, "application/json", "{\"status\":\"alive\"}", keepAlive, ""),
                        200);
                return;
            case READYZ:
                StatusMonitor.Readiness r = node.monitor().readiness();
                StringBuilder b =
                        new StringBuilder("{\"ready\":").append(r.ready()).append(",\"views\":{");
                boolean first = true;
                for (Map.Entry<String, String> e : r.reasons().entrySet()) {
                    b.append(first ? "" : ",")
                            .append(HttpErrors.quote(e.getKey()))
                            .append(':')
                            .append(HttpErrors.quote(e.getValue()));
                    first = false;
                }
                b.append("}}");
                int status = r.ready() ? 200 : 503;
                answer.set(
                        HttpErrors.response(
                                alloc,
                                status,
                                "application/json",
                                b.toString(),
                                keepAlive,
                                r.ready() ? "" : retryAfter(node)),
                        status);
                return;
            default:
                answer.set(
                        HttpErrors.response(
                                alloc,
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                node.metrics().scrape(),
                                keepAlive,
                                ""),
                        200);
        }
    }

    static String retryAfter(NodeContext node) {
        return "Retry-After: " + node.config().retryAfterSeconds() + "\r\n";
    }
}
