package io.matstore.precompute;

import io.matstore.config.SettingsFamily;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** One view's own settings, {@code view.<name>.<setting>}, as its {@link ViewFactory#settings()} defines them. */
final class ViewSettingsFamily implements SettingsFamily {
    private final ViewFactory view;

    ViewSettingsFamily(ViewFactory view) {
        this.view = view;
    }

    static String prefix(ViewFactory view) {
        return "view." + view.name() + ".";
    }

    /** The view's definition under prefixed names, so that a bad value's message names the setting as it is given. */
    static ConfigDef prefixed(ViewFactory view) {
        ConfigDef out = new ConfigDef();
        for (ConfigDef.ConfigKey k : view.settings().configKeys().values()) {
            out.define(prefix(view) + k.name, k.type, k.defaultValue, k.validator, k.importance, k.documentation);
        }
        return out;
    }

    @Override
    public String pattern() {
        return prefix(view) + "<setting>";
    }

    @Override
    public String doc() {
        return "Settings of the " + view.name() + " view, defined by its module:";
    }

    @Override
    public ConfigDef definition() {
        return view.settings();
    }

    @Override
    public Collection<String> names(Map<String, String> values) {
        List<String> names = new ArrayList<>();
        for (String s : view.settings().names()) {
            names.add(prefix(view) + s);
        }
        return names;
    }

    @Override
    public boolean accepts(String name, Map<String, String> values) {
        return name.startsWith(prefix(view))
                && view.settings().names().contains(name.substring(prefix(view).length()));
    }
}
