package io.matstore.launcher;

import io.matstore.kafka.local.LocalKafkaMain;
import io.matstore.precompute.cli.PrecomputeMain;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code matstore} command: one entry point for every role, so one image and one script serve them all. */
@Command(name = "matstore", mixinStandardHelpOptions = true,
        description = "Precomputation pipeline and materialized-response store.",
        subcommands = {LocalStackCommand.class, LocalKafkaMain.class, PrecomputeMain.class, ServeCommand.class,
                AdminCommand.class, ConfigDocsCommand.class})
public final class MatstoreMain {
    private MatstoreMain() {
    }

    /**
     * The command line. A bad setting (a value out of range, an unknown name, a missing file) ends any role with one
     * line naming it and exit code 2, like a bad option does, instead of a stack trace; so does a Kafka that refuses
     * the role's credentials (exit code 1).
     */
    static CommandLine commandLine() {
        return new CommandLine(new MatstoreMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ConfigException) {
                        cmd.getErr().println("invalid configuration: " + e.getMessage());
                        return 2;
                    }
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        if (t instanceof AuthenticationException) {
                            cmd.getErr().println("cannot authenticate to Kafka: " + t.getMessage());
                            return 1;
                        }
                    }
                    throw e;
                });
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
