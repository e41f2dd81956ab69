package io.matstore.precompute.cli;

import io.matstore.config.ConfigDocs;
import io.matstore.precompute.PrecomputeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
        name = "config-docs",
        description = "Print every precompute setting: name, type, default, valid values, doc"
                + " (Markdown; the same as `bin/matstore config-docs precompute`).")
final class ConfigDocsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(ConfigDocs.role(PrecomputeConfig.SCHEMA));
        return 0;
    }
}
