package io.matstore.precompute.internal;

/** A source record after validation: where it goes and the bytes it carries there (never serialized). */
public record Routed(Route route, byte[] value) {
    public enum Route {
        /** An entity event already on the partition its key hashes to: the view task reads it from here. */
        ENTITY,
        /** An entity event on another partition (keyed by something else): it takes the repartition hop. */
        MISPLACED_ENTITY,
        DIMENSION,
        DEAD_LETTER
    }
}
