package io.matstore.precompute.internal;

/** A source record after validation: where it goes and the bytes it carries there (never serialized). */
public record Routed(Route route, byte[] value) {
    public enum Route {
        ENTITY,
        DIMENSION,
        DEAD_LETTER
    }
}
