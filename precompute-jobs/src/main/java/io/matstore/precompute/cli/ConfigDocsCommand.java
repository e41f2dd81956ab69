package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "config-docs", description = "Print every setting: name, type, default, valid values, doc.")
final class ConfigDocsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("Settings come from defaults, --config FILE, then " + PrecomputeConfig.ENV_PREFIX
                + "<NAME> environment variables (e.g. " + PrecomputeConfig.envName(PrecomputeConfig.BOOTSTRAP_SERVERS)
                + "), then --set NAME=VALUE.\n");
        System.out.println(PrecomputeConfig.DEFINITION.toRst());
        return 0;
    }
}
