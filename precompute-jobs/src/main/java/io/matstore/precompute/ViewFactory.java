package io.matstore.precompute;

import org.apache.kafka.common.config.ConfigDef;

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
     * The view's own settings, without their {@code view.<name>.} prefix: the precompute configuration accepts each as
     * {@code view.<name>.<setting>}, validates it at load and documents it; the view reads them back through
     * {@link PrecomputeConfig#viewSettings(String)}.
     */
    default ConfigDef settings() {
        return new ConfigDef();
    }

    /**
     * The view at {@code version}, configured from {@code config} (source topic, the view's own settings).
     *
     * @throws org.apache.kafka.common.config.ConfigException on {@code view.version}, naming the versions the view
     *                                                         has, or on another setting the view cannot run with
     */
    View<?, ?> create(PrecomputeConfig config, int version);

    /** The source events as files and demo traffic ({@code publish}, {@code generate}), or null if the view has none. */
    default SourceEventFormat<?> sourceEvents() {
        return null;
    }
}
