package io.matstore.launcher;

import io.matstore.kafka.local.LocalKafkaMain;
import io.matstore.precompute.cli.PrecomputeMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code matstore} command: one entry point for every role, so one image and one script serve them all. */
@Command(name = "matstore", mixinStandardHelpOptions = true,
        description = "Precomputation pipeline and materialized-response store.",
        subcommands = {LocalStackCommand.class, LocalKafkaMain.class, PrecomputeMain.class, ServeCommand.class,
                AdminCommand.class})
public final class MatstoreMain {
    private MatstoreMain() {
    }

    public static void main(String[] args) {
        int code = new CommandLine(new MatstoreMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
