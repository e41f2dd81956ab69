package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.matstore.config.SettingsSchema;
import io.matstore.config.SettingsSources;
import io.matstore.precompute.PrecomputeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The image runs the commands the process tests run: every matstore service of docker-compose.yml names a command
 * {@code bin/matstore} parses, and every {@code MATSTORE_*} variable it sets is a setting of that role (a misspelt one
 * would be silently ignored, since environment variables may belong to other roles). There is no Docker engine here
 * to run the file; CI validates its syntax with docker-compose.
 */
class ComposeCommandsTest {
    @Test
    void shouldOnlyRunParsableCommandsWithKnownSettings() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(MatstoreProcess.ROOT.resolve("docker-compose.yml")));
        int checked = 0;
        for (Map.Entry<String, JsonNode> service : compose.get("services").properties()) {
            JsonNode image = service.getValue().get("image");
            if (image == null || !image.asText().startsWith("matstore")) {
                continue;
            }
            List<String> command = new ArrayList<>();
            service.getValue().get("command").forEach(a -> command.add(a.asText()));
            CommandLine.ParseResult parsed = MatstoreMain.commandLine().parseArgs(command.toArray(String[]::new));
            assertThat(parsed.hasSubcommand()).as(service.getKey()).isTrue();

            SettingsSchema schema = "serve".equals(command.get(0)) ? Roles.SERVE : PrecomputeConfig.SCHEMA;
            Map<String, String> env = new HashMap<>();
            for (Map.Entry<String, JsonNode> e :
                    service.getValue().path("environment").properties()) {
                env.put(e.getKey(), e.getValue().asText());
            }
            Map<String, String> values = SettingsSources.load(schema, List.of(), env, Map.of());
            for (String variable : env.keySet()) {
                assertThat(values.keySet().stream().map(SettingsSources::envName))
                        .as("%s sets %s, which no setting of %s is named", service.getKey(), variable, schema.role())
                        .contains(variable);
            }
            checked++;
        }
        assertThat(checked).as("matstore services in docker-compose.yml").isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldRunTheImageWithTheLauncherAndRuntimeLibrariesOnly() throws Exception {
        String dockerfile = Files.readString(MatstoreProcess.ROOT.resolve("Dockerfile"));
        assertThat(dockerfile)
                .contains("COPY --from=build /src/launcher/target/lib/ /opt/matstore/lib/")
                .contains("io.matstore.launcher.MatstoreMain");
        Path lib = MatstoreProcess.ROOT.resolve("launcher").resolve("target").resolve("classpath.txt");
        assertThat(Files.readString(lib))
                .as("the class path bin/matstore and the image's lib/ are made from")
                .doesNotContain("junit", "assertj", "awaitility", "opentest4j");
    }
}
