package io.matstore.precompute.cli;

import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the precompute-jobs module: {@code run} a view, {@code replay} (rebuild) a version of it,
 * {@code publish} a JSON-lines file of events,
 * {@code generate} demo events, print the settings ({@code config-docs}).
 */
@Command(
        name = "precompute",
        mixinStandardHelpOptions = true,
        description = "Precompute jobs of the materialized-response store.",
        subcommands = {
            RunCommand.class,
            ReplayCommand.class,
            PublishCommand.class,
            GenerateCommand.class,
            ConfigDocsCommand.class
        })
public final class PrecomputeMain {
    /** Our logging configuration, unless the operator names another; a classpath resource, not logback.xml, so that
     *  a launcher or test classpath that has its own logback.xml is not given two. */
    static final String LOGBACK_CONFIG = "precompute-logback.xml";

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line, with settings errors printed as one line instead of a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new PrecomputeMain()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("invalid configuration: " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }
}
