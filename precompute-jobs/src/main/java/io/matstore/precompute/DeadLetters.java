package io.matstore.precompute;

/**
 * The dead-letter contract. An event a view rejects is written unchanged (same key, same value bytes) to the
 * dead-letter topic with these headers, all UTF-8 strings, and changes nothing else. The job keeps running: a bad
 * event from one producer must not stop every view from updating (error policy: log, count, continue). Any other
 * failure inside the job stops it loudly (the exception handlers in {@code internal}: logged with the event's
 * coordinates and counted), because silently skipping it could leave responses wrong.
 */
public final class DeadLetters {
    /** Why the event was rejected, e.g. {@code percent_off=95 is outside 1..90}. */
    public static final String REASON = "matstore.dlq.reason";
    /** Source topic of the rejected record. */
    public static final String TOPIC = "matstore.dlq.topic";
    /** Source partition, decimal. */
    public static final String PARTITION = "matstore.dlq.partition";
    /** Source offset, decimal. */
    public static final String OFFSET = "matstore.dlq.offset";

    private DeadLetters() {}
}
