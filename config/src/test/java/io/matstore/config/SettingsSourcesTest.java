package io.matstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsSourcesTest {
    private static final ConfigDef OWN = new ConfigDef()
            .define("serving.port", Type.INT, 8080, Importance.HIGH, "port")
            .define("serving.views", Type.LIST, "offers", Importance.HIGH, "views");

    /** view.<name>.max.age for each name in serving.views: a family whose names depend on another setting. */
    private static final SettingsFamily VIEWS = new SettingsFamily() {
        @Override
        public String pattern() {
            return "view.<name>.max.age";
        }

        @Override
        public String doc() {
            return "per view";
        }

        @Override
        public Collection<String> names(Map<String, String> values) {
            return List.of(values.getOrDefault("serving.views", "offers").split(",")).stream()
                    .map(v -> "view." + v + ".max.age")
                    .toList();
        }

        @Override
        public boolean accepts(String name, Map<String, String> values) {
            return names(values).contains(name);
        }
    };

    private static final SettingsSchema SCHEMA = SettingsSchema.of("serve")
            .section("Kafka", KafkaSettings.DEFINITION)
            .section("HTTP", OWN)
            .family(VIEWS)
            .family(KafkaSettings.clients())
            .build();

    @TempDir
    Path dir;

    @Test
    void shouldLetLaterSourcesWin() throws Exception {
        Path first = Files.writeString(dir.resolve("a.properties"), "serving.port=1\nbootstrap.servers=a:1\n");
        Path second = Files.writeString(dir.resolve("b.properties"), "serving.port=2\nserving.views=offers,deals\n");
        Map<String, String> values = SettingsSources.load(
                SCHEMA,
                List.of(first, second),
                Map.of(
                        "MATSTORE_BOOTSTRAP_SERVERS",
                        "env:9",
                        "MATSTORE_VIEW_DEALS_MAX_AGE",
                        "7",
                        "MATSTORE_KAFKA_SECURITY_PROTOCOL",
                        "SSL",
                        "MATSTORE_JAVA_OPTS",
                        "-Xmx1g"),
                Map.of("serving.port", "3"));
        assertThat(values)
                .containsEntry("serving.port", "3")
                .containsEntry("bootstrap.servers", "env:9")
                .containsEntry("view.deals.max.age", "7")
                .containsEntry("kafka.security.protocol", "SSL")
                .doesNotContainKey("java.opts");
        assertThat(KafkaSettings.clientSettings(values)).isEqualTo(Map.of("security.protocol", "SSL"));
    }

    @Test
    void shouldRefuseAnUnknownNameWithTheClosestKnownOne() throws Exception {
        Path file = Files.writeString(dir.resolve("c.properties"), "serving.prot=1\n");
        assertThatThrownBy(() -> SettingsSources.load(SCHEMA, List.of(file), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting \"serving.prot\" in file " + file + "; did you mean \"serving.port\"?"
                        + " (bin/matstore config-docs serve lists every setting)");
        assertThatThrownBy(() ->
                        SettingsSources.load(SCHEMA, List.of(), Map.of(), Map.of("kafka.security.protocl", "SSL")))
                .hasMessage("unknown setting \"kafka.security.protocl\" in --set kafka.security.protocl; did you mean"
                        + " \"kafka.security.protocol\"? (bin/matstore config-docs serve lists every setting)");
        assertThatThrownBy(() -> SettingsSources.load(SCHEMA, List.of(), Map.of(), Map.of("zzz", "1")))
                .hasMessage("unknown setting \"zzz\" in --set zzz (bin/matstore config-docs serve lists every"
                        + " setting)");
    }

    @Test
    void shouldRefuseKafkaSettingsTheRoleOwns() {
        assertThatThrownBy(() ->
                        SettingsSources.load(SCHEMA, List.of(), Map.of(), Map.of("kafka.bootstrap.servers", "x:1")))
                .hasMessageContaining("did you mean \"bootstrap.servers\"?");
        assertThatThrownBy(() ->
                        SettingsSources.load(SCHEMA, List.of(), Map.of(), Map.of("kafka.value.deserializer", "x")))
                .hasMessageStartingWith("unknown setting \"kafka.value.deserializer\"");
    }

    @Test
    void shouldRefuseAViewSettingOfAViewNotServed() {
        assertThatThrownBy(() -> SettingsSources.load(SCHEMA, List.of(), Map.of(), Map.of("view.deals.max.age", "1")))
                .hasMessage("unknown setting \"view.deals.max.age\" in --set view.deals.max.age; did you mean"
                        + " \"view.offers.max.age\"? (bin/matstore config-docs serve lists every setting)");
    }

    @Test
    void shouldSayWhenAFileIsMissing() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> SettingsSources.load(SCHEMA, List.of(missing), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + missing + " does not exist");
    }

    @Test
    void shouldNameEnvironmentVariablesAfterSettings() {
        assertThat(SettingsSources.envName("view.category-deals.max.age.seconds"))
                .isEqualTo("MATSTORE_VIEW_CATEGORY_DEALS_MAX_AGE_SECONDS");
    }

    @Test
    void shouldValidateBootstrapServers() {
        ConfigDef def = KafkaSettings.DEFINITION;
        assertThatThrownBy(() -> def.parse(Map.of("bootstrap.servers", "localhost")))
                .hasMessageContaining("entry \"localhost\" is not host:port with port in 1..65535");
    }

    @Test
    void shouldRenderTheReferenceFromTheDefinitions() {
        String md = ConfigDocs.markdown(List.of(SCHEMA));
        assertThat(md)
                .contains(
                        "## `serve`",
                        "### HTTP",
                        "| `serving.port` | int | `8080` |  | port |",
                        "| `bootstrap.servers` | list | `127.0.0.1:9092` | host:port[,host:port...] |",
                        "### `kafka.<client setting>`",
                        "### `view.<name>.max.age`");
    }
}
