package io.matstore.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where every role's settings come from, and which wins: the defaults, then {@code .properties} files in the order
 * given ({@code -c}), then environment variables {@code MATSTORE_<NAME>} (upper case, dots and dashes as
 * underscores: {@code serving.port} → {@code MATSTORE_SERVING_PORT}), then explicit overrides ({@code -s NAME=VALUE}).
 *
 * <p>A name the role's {@link SettingsSchema} does not accept, in a file or an override, is refused with the closest
 * known name, so a typo never silently keeps a default. Environment variables are matched by name against the
 * schema: one environment can hold the settings of several roles, so a variable no setting of this role maps to is
 * not an error. Values are returned raw; each role parses and validates them with its own definitions.
 */
public final class SettingsSources {
    public static final String ENV_PREFIX = "MATSTORE_";

    private SettingsSources() {}

    /** {@code view.offers.max.age.seconds} → {@code MATSTORE_VIEW_OFFERS_MAX_AGE_SECONDS}. */
    public static String envName(String setting) {
        return ENV_PREFIX + setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * @param files     {@code .properties} files, later ones winning
     * @param env       the environment ({@code System.getenv()})
     * @param overrides settings given on the command line; they win over everything
     * @return the raw values of every setting given, by name
     * @throws ConfigException for a file that cannot be read or a name the schema does not accept
     */
    public static Map<String, String> load(
            SettingsSchema schema, List<Path> files, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origin = new HashMap<>();
        for (Path file : files) {
            for (Map.Entry<String, String> e : readFile(file).entrySet()) {
                values.put(e.getKey(), e.getValue());
                origin.put(e.getKey(), "file " + file);
            }
        }
        // Fixed names first, so that a family whose names depend on them (the views of serving.views) sees their
        // final values when its own environment variables are looked up.
        Map<String, String> fromEnv = new HashMap<>();
        putFromEnv(fromEnv, env, schema.names());
        Map<String, String> preview = merged(values, fromEnv, overrides);
        for (SettingsFamily family : schema.families()) {
            putFromEnv(fromEnv, env, family.names(preview));
        }
        for (String name : fromEnv.keySet()) {
            origin.put(name, "environment variable " + envName(name));
        }
        for (String name : overrides.keySet()) {
            origin.put(name, "--set " + name);
        }
        Map<String, String> all = merged(values, fromEnv, overrides);
        for (String name : all.keySet()) {
            if (!schema.accepts(name, all)) {
                throw unknown(schema, name, origin.get(name), all);
            }
        }
        return Collections.unmodifiableMap(all);
    }

    private static Map<String, String> merged(
            Map<String, String> files, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(files);
        all.putAll(env);
        all.putAll(overrides);
        return all;
    }

    private static void putFromEnv(Map<String, String> into, Map<String, String> env, Iterable<String> names) {
        for (String name : names) {
            String v = env.get(envName(name));
            if (v != null) {
                into.put(name, v);
            }
        }
    }

    private static ConfigException unknown(
            SettingsSchema schema, String name, String origin, Map<String, String> values) {
        String closest = ClosestName.among(name, schema.candidates(values));
        return new ConfigException("unknown setting \"" + name + "\" in " + origin
                + (closest == null ? "" : "; did you mean \"" + closest + "\"?")
                + " (bin/matstore config-docs " + schema.role() + " lists every setting)");
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> names = p.stringPropertyNames();
        for (String name : names) {
            values.put(name, p.getProperty(name).trim());
        }
        return values;
    }
}
