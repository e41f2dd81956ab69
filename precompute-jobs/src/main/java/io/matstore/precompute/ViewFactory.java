package io.matstore.precompute;

/**
 * The precompute part of a view, registered by the view's module for {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.matstore.precompute.ViewFactory}); {@code precompute run --view NAME} and
 * {@code replay --view NAME} find it by name through {@link ViewFactories}. Loaded by precompute jobs only, so the
 * serving side never depends on precompute code.
 */
public interface ViewFactory {
    /** The view's name, the same as its {@code io.matstore.view.ViewPlugin}'s. */
    String name();

    /**
     * The view at {@code version}, configured from {@code config} (source topic, the view's own settings).
     *
     * @throws org.apache.kafka.common.config.ConfigException on {@code view.version}, naming the versions the view
     *                                                         has, or on another setting the view cannot run with
     */
    View<?, ?> create(PrecomputeConfig config, int version);
}
