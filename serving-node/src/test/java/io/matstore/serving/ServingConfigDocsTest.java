package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The settings table in docs/api.md must name every setting ServingConfig defines, so the two cannot drift. */
class ServingConfigDocsTest {
    @Test
    void shouldDocumentEverySettingInTheApiDocs() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "api.md"));

        for (String name : ServingConfig.DEF.names()) {
            assertThat(docs).as(name).contains("| `" + name + "` |");
        }
        for (String name : ServingConfig.VIEW_DEF.names()) {
            assertThat(docs).as(name).contains("| `view.<name>." + name + "` |");
        }
    }
}
