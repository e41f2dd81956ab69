package io.matstore.precompute;

/**
 * The source events a view reads, as the {@code publish} and {@code generate} commands handle them: one JSON object
 * per line in files, one Kafka record each on the source topic, and a seeded demo stream. A view that defines the
 * source schema provides it ({@link ViewFactory#sourceEvents()}); views that only read the same topic do not need to.
 *
 * @param <E> the view's own event type
 */
public interface SourceEventFormat<E> {
    /**
     * One event from one line of a JSON-lines file, checked as the job would check it after encoding.
     *
     * @throws InvalidEventException whose message names the offending field
     */
    E parse(String jsonLine) throws InvalidEventException;

    /** The line {@link #parse} reads back as {@code event}. */
    String format(E event);

    /** The source topic's record of {@code event}. */
    Record encode(E event);

    /** A seeded demo stream: a catalogue, then a steady mix; the view's own settings come from {@code config}. */
    DemoSource<E> demo(PrecomputeConfig config, DemoMix mix);

    /** Key and value of one source record. */
    record Record(byte[] key, byte[] value) {}
}
