package io.matstore.view;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.view.json.JsonRenderer;
import java.util.List;

/**
 * A view as the serving side and the launcher see it, registered by the view's own module for
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.matstore.view.ViewPlugin}). Nothing outside that module
 * names the view: the roles find every view present on the class path through {@link ViewPlugins}.
 *
 * <p>The other parts of a view are separate services so that each role loads only what it runs: its precompute logic
 * ({@code io.matstore.precompute.ViewFactory}, loaded by precompute jobs only; the serving side never sees it) and its
 * checks of a rebuilt version ({@code io.matstore.store.ViewValidator}).
 */
public interface ViewPlugin {
    /** The view's name: its URL path {@code /v1/views/<name>}, topics {@code view.<name>.v<N>}, settings {@code view.<name>.*}. */
    String name();

    /** Every version the view has, in ascending order; each with {@link #name()} as its name. */
    List<ViewDescriptor> versions();

    /**
     * Renders the view's responses as JSON, or null when the view is served as FlatBuffers only (a JSON request is
     * then answered 406).
     */
    default JsonRenderer jsonRenderer() {
        return null;
    }

    /**
     * The descriptor of {@code version}.
     *
     * @throws IllegalArgumentException naming the version and the versions that exist
     */
    default ViewDescriptor version(int version) {
        for (ViewDescriptor d : versions()) {
            if (d.version() == version) {
                return d;
            }
        }
        throw new IllegalArgumentException("view " + name() + " has no version " + version + "; it has "
                + versions().stream().map(ViewDescriptor::version).toList());
    }
}
