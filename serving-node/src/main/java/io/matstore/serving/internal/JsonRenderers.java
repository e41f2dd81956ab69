package io.matstore.serving.internal;

import io.matstore.view.ViewPlugin;
import io.matstore.view.ViewPlugins;
import io.matstore.view.json.JsonRenderer;
import java.util.HashMap;
import java.util.Map;

/** The JSON renderer of each view, by view name. A view without one is served as FlatBuffers only (406 for JSON). */
public final class JsonRenderers {
    private final Map<String, JsonRenderer> byView;

    public JsonRenderers(Map<String, JsonRenderer> byView) {
        this.byView = Map.copyOf(byView);
    }

    /** The renderers of the views present on the class path. */
    public static JsonRenderers of(ViewPlugins views) {
        Map<String, JsonRenderer> byView = new HashMap<>();
        for (String name : views.names()) {
            ViewPlugin view = views.find(name);
            if (view.jsonRenderer() != null) {
                byView.put(name, view.jsonRenderer());
            }
        }
        return new JsonRenderers(byView);
    }

    /** The view's renderer, or null. */
    public JsonRenderer forView(String view) {
        return byView.get(view);
    }
}
