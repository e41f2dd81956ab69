package io.matstore.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Every setting one role accepts: sections of fixed names, each a {@link ConfigDef} defined once in the module that
 * owns it, and families of patterned names. {@link SettingsSources} refuses any name the schema does not accept, and
 * {@link ConfigDocs} renders the reference from the same definitions.
 */
public final class SettingsSchema {
    private final String role;
    private final Map<String, ConfigDef> sections;
    private final List<SettingsFamily> families;

    private SettingsSchema(String role, Map<String, ConfigDef> sections, List<SettingsFamily> families) {
        this.role = role;
        this.sections = sections;
        this.families = families;
    }

    /** A schema of {@code role}, as the command that runs it is named ({@code precompute}, {@code serve}). */
    public static Builder of(String role) {
        return new Builder(role);
    }

    public String role() {
        return role;
    }

    /** Section title → its definitions, in the order they were added. */
    public Map<String, ConfigDef> sections() {
        return sections;
    }

    public List<SettingsFamily> families() {
        return families;
    }

    /** Fixed names of every section. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (ConfigDef def : sections.values()) {
            names.addAll(def.names());
        }
        return names;
    }

    /** Every name that exists given {@code values}: fixed names, then each family's. */
    public Set<String> candidates(Map<String, String> values) {
        Set<String> all = names();
        for (SettingsFamily f : families) {
            all.addAll(f.names(values));
        }
        return all;
    }

    public boolean accepts(String name, Map<String, String> values) {
        if (names().contains(name)) {
            return true;
        }
        for (SettingsFamily f : families) {
            if (f.accepts(name, values)) {
                return true;
            }
        }
        return false;
    }

    /** Builds a schema; a name defined in two sections is a programming error, refused here. */
    public static final class Builder {
        private final String role;
        private final Map<String, ConfigDef> sections = new LinkedHashMap<>();
        private final List<SettingsFamily> families = new ArrayList<>();

        private Builder(String role) {
            this.role = role;
        }

        public Builder section(String title, ConfigDef def) {
            for (Map.Entry<String, ConfigDef> s : sections.entrySet()) {
                for (String name : def.names()) {
                    if (s.getValue().names().contains(name)) {
                        throw new IllegalArgumentException("setting " + name + " is defined in section \"" + s.getKey()
                                + "\" and again in \"" + title + "\"");
                    }
                }
            }
            sections.put(title, def);
            return this;
        }

        public Builder family(SettingsFamily family) {
            families.add(family);
            return this;
        }

        public SettingsSchema build() {
            return new SettingsSchema(
                    role, Collections.unmodifiableMap(new LinkedHashMap<>(sections)), List.copyOf(families));
        }
    }
}
