package io.matstore.config;

import java.util.Collection;
import java.util.Map;

/**
 * Settings whose names follow a pattern rather than a fixed list: {@code view.<name>.<setting>} for each served view,
 * {@code kafka.<client setting>} for the Kafka clients a role creates. Which names exist may depend on other settings
 * (the views a node serves), so both methods see the values gathered so far.
 */
public interface SettingsFamily {
    /** The pattern as the reference shows it, e.g. {@code kafka.<client setting>}. */
    String pattern();

    /** What the family is for, one paragraph for the reference. */
    String doc();

    /**
     * The settings each member of the family has, when the family is a pattern over one definition
     * ({@code view.<name>.<setting>}); the reference renders them as a table. Null when the family has no definition
     * of its own (the Kafka client settings are Kafka's).
     */
    default org.apache.kafka.common.config.ConfigDef definition() {
        return null;
    }

    /** Every name of the family that exists given {@code values}: the candidates for environment variables. */
    Collection<String> names(Map<String, String> values);

    /** Whether {@code name} is a setting of this family, given {@code values}. */
    boolean accepts(String name, Map<String, String> values);
}
