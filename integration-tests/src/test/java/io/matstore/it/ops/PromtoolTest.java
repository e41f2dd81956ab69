package io.matstore.it.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Prometheus's own checker on the files under {@code ops/prometheus}: the rules and the configuration load, and the
 * rules' unit tests ({@code matstore-rules.test.yml}: input series that fire the freshness, not-ready, shedding,
 * 5xx, dead-letter and precompute-readiness alerts, and leave healthy series alone) pass. Skipped when
 * {@code promtool} is not on the PATH ({@code .ci/run} installs Debian's {@code prometheus} package, which has it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PromtoolTest {
    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "promtool");
                if (Files.isExecutable(candidate)) {
                    promtool = candidate;
                    return;
                }
            }
        }
    }

    @Test
    void shouldLoadTheRules() throws Exception {
        assertThat(promtool("check", "rules", OpsFiles.RULES)).contains("SUCCESS");
    }

    @Test
    void shouldLoadTheExampleConfigurationAndTheRulesItNames() throws Exception {
        assertThat(promtool("check", "config", OpsFiles.PROMETHEUS_CONFIG)).contains("SUCCESS");
    }

    @Test
    void shouldFireTheAlertsOfTheRulesUnitTests() throws Exception {
        assertThat(promtool("test", "rules", OpsFiles.RULES_TEST)).contains("SUCCESS");
    }

    /** Runs promtool from the repository root and returns its output once it exited 0. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        assumeTrue(promtool != null, "promtool is not on the PATH");
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(OpsFiles.root().toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("promtool " + String.join(" ", args) + " still running after 30 s");
            }
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue())
                .as("exit code of promtool %s:%n%s", String.join(" ", args), output)
                .isZero();
        return output;
    }
}
