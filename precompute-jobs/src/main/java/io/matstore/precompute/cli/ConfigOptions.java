package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: where settings come from. */
final class ConfigOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "A .properties file of settings (`bin/matstore config-docs precompute`); repeatable, "
                    + "later files win.")
    List<Path> files = new ArrayList<>();

    @Option(
            names = {"-s", "--set"},
            paramLabel = "NAME=VALUE",
            description = "A setting that wins over the files and MATSTORE_* environment variables.")
    Map<String, String> overrides = new LinkedHashMap<>();

    PrecomputeConfig load() {
        return PrecomputeConfig.load(files, System.getenv(), overrides);
    }

    /** Settings with {@code command} winning over every other source (a command's own option, e.g. --version). */
    PrecomputeConfig load(Map<String, String> command) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        all.putAll(command);
        return PrecomputeConfig.load(files, System.getenv(), all);
    }
}
