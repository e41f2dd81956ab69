package io.matstore.precompute;

import java.util.function.Consumer;

/** A view's seeded demo traffic: the same seed gives the same events. Not thread-safe. */
public interface DemoSource<E> {
    /** The events that create the catalogue, before any {@link #next()}. */
    void catalogue(Consumer<E> out);

    /** The next event of the steady mix. */
    E next();
}
