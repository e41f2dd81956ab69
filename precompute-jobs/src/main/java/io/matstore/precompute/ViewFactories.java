package io.matstore.precompute;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The views whose precompute logic is on the class path, by name. Immutable. */
public final class ViewFactories {
    private final Map<String, ViewFactory> byName;

    private ViewFactories(Map<String, ViewFactory> byName) {
        this.byName = Map.copyOf(byName);
    }

    /**
     * Every {@link ViewFactory} {@link ServiceLoader} finds through this class's loader.
     *
     * @throws IllegalStateException when two are registered under one name
     */
    public static ViewFactories discover() {
        return of(ServiceLoader.load(ViewFactory.class, ViewFactories.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .toList());
    }

    /** @throws IllegalStateException when two factories share a name */
    public static ViewFactories of(List<? extends ViewFactory> factories) {
        Map<String, ViewFactory> byName = new TreeMap<>();
        for (ViewFactory f : factories) {
            ViewFactory before = byName.putIfAbsent(f.name(), f);
            if (before != null) {
                throw new IllegalStateException("two views are named " + f.name() + ": "
                        + before.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return new ViewFactories(byName);
    }

    /** The views present, sorted by name. */
    public List<ViewFactory> factories() {
        return List.copyOf(new TreeMap<>(byName).values());
    }

    /** Names of the views present, sorted. */
    public List<String> names() {
        return List.copyOf(new TreeMap<>(byName).keySet());
    }

    /** The view named {@code name}, or null. */
    public ViewFactory find(String name) {
        return byName.get(name);
    }

    /**
     * The view named {@code name}; with {@code name} null, the one view present (a job image that carries a single
     * view needs no {@code --view}).
     *
     * @throws IllegalArgumentException naming the view asked for and the views present
     */
    public ViewFactory require(String name) {
        if (name == null) {
            if (byName.size() == 1) {
                return byName.values().iterator().next();
            }
            throw new IllegalArgumentException("name the view to run with --view; views present: " + names());
        }
        ViewFactory f = byName.get(name);
        if (f == null) {
            throw new IllegalArgumentException(
                    "no view named " + name + " on the class path; views present: " + names());
        }
        return f;
    }
}
