package io.matstore.serving.internal;

import java.util.Map;

/** The JSON renderer of each view, by view name. A view without one is served as FlatBuffers only (406 for JSON). */
public final class JsonRenderers {
    private final Map<String, JsonRenderer> byView;

    public JsonRenderers(Map<String, JsonRenderer> byView) {
        this.byView = Map.copyOf(byView);
    }

    /** The built-in views' renderers. */
    public static JsonRenderers builtIn() {
        return new JsonRenderers(Map.of("offers", new OffersJsonRenderer()));
    }

    /** The view's renderer, or null. */
    public JsonRenderer forView(String view) {
        return byView.get(view);
    }
}
