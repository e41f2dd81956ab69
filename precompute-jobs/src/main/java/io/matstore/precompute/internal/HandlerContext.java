package io.matstore.precompute.internal;

import io.matstore.precompute.ViewCounters;
import java.util.Map;

/**
 * What the job's exception handlers need from the view that runs them. Kafka Streams creates handlers by class name
 * and hands them its properties, so the runner puts these there under {@link #KEY}: the handlers count into the
 * same {@link ViewCounters} as the topology, which /metrics reads.
 *
 * @param view            the view, as {@code name.vN}, for the logs
 * @param counters        the view's counters
 */
public record HandlerContext(String view, ViewCounters counters) {
    /** Property under which the runner passes this to the handlers (Kafka Streams ignores it otherwise). */
    public static final String KEY = "matstore.handler.context";

    static HandlerContext from(Map<String, ?> configs) {
        Object o = configs.get(KEY);
        if (!(o instanceof HandlerContext c)) {
            throw new IllegalStateException(KEY + " missing from the Kafka Streams properties: the handlers of a"
                    + " view are set up by ViewRunner");
        }
        return c;
    }
}
