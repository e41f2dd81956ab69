package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingConfigTest {
    @Test
    void shouldUseDocumentedDefaults() {
        ServingConfig c = ServingConfig.of(Map.of());

        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.views()).containsExactly(new ViewSettings("offers", 30_000, 1, 30, 600));
        assertThat(c.views().get(0).cacheControl())
                .isEqualTo("max-age=1, stale-while-revalidate=30, stale-if-error=600");
    }

    @Test
    void shouldNameSettingValueAndLimitWhenAValueIsOutOfRange() {
        assertThatThrownBy(() -> ServingConfig.of(Map.of("serving.port", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 70000 for configuration serving.port: Value must be no more than 65535");
        assertThatThrownBy(() -> ServingConfig.of(Map.of("view.offers.max.age.seconds", "-1")))
                .hasMessage("view offers: Invalid value -1 for configuration max.age.seconds: Value must be at"
                        + " least 0");
    }

    @Test
    void shouldLetTheEnvironmentOverrideThePropertiesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("serving.properties");
        Files.writeString(file, "serving.port=9000\nserving.views=offers,fares\nview.fares.max.age.seconds=60\n");

        ServingConfig c = ServingConfig.load(
                List.of(file),
                Map.of("MATSTORE_SERVING_PORT", "9100", "MATSTORE_VIEW_FARES_STALE_IF_ERROR_SECONDS", "5"));

        assertThat(c.port()).isEqualTo(9100);
        assertThat(c.views()).extracting(ViewSettings::view).containsExactly("offers", "fares");
        assertThat(c.views().get(1)).isEqualTo(new ViewSettings("fares", 30_000, 60, 30, 5));
    }

    @Test
    void shouldRefuseAnUnknownSettingOrASettingOfAViewNotServed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("serving.properties");
        Files.writeString(file, "serving.port=9000\nview.fares.max.age.seconds=60\n");

        assertThatThrownBy(() -> ServingConfig.load(List.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting \"view.fares.max.age.seconds\" in file " + file + "; did you mean"
                        + " \"view.offers.max.age.seconds\"? (bin/matstore config-docs serve lists every setting)");
    }
}
