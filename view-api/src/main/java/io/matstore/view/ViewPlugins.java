package io.matstore.view;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The views present on the class path, by name: what a role may serve or run. Immutable. */
public final class ViewPlugins {
    private final Map<String, ViewPlugin> byName;

    private ViewPlugins(Map<String, ViewPlugin> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * Every {@link ViewPlugin} that {@link ServiceLoader} finds through this class's loader.
     *
     * @throws IllegalStateException when two modules register views of the same name (which one would serve is
     *                               otherwise down to class path order)
     */
    public static ViewPlugins discover() {
        return of(ServiceLoader.load(ViewPlugin.class, ViewPlugins.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .toList());
    }

    /** @throws IllegalStateException when two plugins share a name */
    public static ViewPlugins of(List<? extends ViewPlugin> plugins) {
        Map<String, ViewPlugin> byName = new TreeMap<>();
        for (ViewPlugin p : plugins) {
            ViewPlugin before = byName.putIfAbsent(p.name(), p);
            if (before != null) {
                throw new IllegalStateException("two views are named " + p.name() + ": "
                        + before.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new ViewPlugins(byName);
    }

    /** Names of the views present, sorted. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The view named {@code name}, or null. */
    public ViewPlugin find(String name) {
        return byName.get(name);
    }

    /**
     * The view named {@code name}.
     *
     * @throws IllegalArgumentException naming the view and the views present
     */
    public ViewPlugin require(String name) {
        ViewPlugin p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "no view named " + name + " on the class path; views present: " + names());
        }
        return p;
    }
}
