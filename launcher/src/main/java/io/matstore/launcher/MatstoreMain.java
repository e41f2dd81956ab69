package io.matstore.launcher;

import io.matstore.kafka.local.LocalKafkaMain;
import io.matstore.precompute.cli.PrecomputeMain;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code matstore} command: one entry point for every role, so one image and one script serve them all. */
@Command(
        name = MatstoreMain.NAME,
        mixinStandardHelpOptions = true,
        description = MatstoreMain.DESCRIPTION,
        subcommands = {
            LocalStackCommand.class,
            LocalKafkaMain.class,
            PrecomputeMain.class,
            ServeCommand.class,
            AdminCommand.class,
            GetCommand.class,
            ConfigDocsCommand.class
        })
public final class MatstoreMain {
    static final String NAME = "matstore";
    static final String DESCRIPTION = "Precomputation pipeline and materialized-response store.";

    private MatstoreMain() {}

    /**
     * The command line. A bad setting (a value out of range, an unknown name, a missing file) ends any role with one
     * line naming it and exit code 2, like a bad option does, instead of a stack trace; so does a Kafka that refuses
     * the role's credentials (exit code 1).
     */
    static CommandLine commandLine() {
        return withErrorHandling(new CommandLine(new MatstoreMain()));
    }

    /**
     * The command line for {@code args}: when the first argument names a role, only that role's command is built
     * under {@code matstore}. Picocli builds the model of every subcommand it is given (annotations read by
     * reflection, option types loaded) before it parses: for all of them that was about a third of a serving node's
     * main thread in a JFR profile of its start (docs/benchmarks.md, "Restart to ready").
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0) {
            for (Class<?> role : MatstoreMain.class.getAnnotation(Command.class).subcommands()) {
                if (role.getAnnotation(Command.class).name().equals(args[0])) {
                    return withErrorHandling(new CommandLine(new OneRole()).addSubcommand(role));
                }
            }
        }
        return commandLine();
    }

    /** {@code matstore} above one role's command; the same name and options as {@link MatstoreMain}. */
    @Command(name = NAME, mixinStandardHelpOptions = true, description = DESCRIPTION)
    static final class OneRole {}

    private static CommandLine withErrorHandling(CommandLine commandLine) {
        return commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
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

    /** {@code text} (default) or {@code json}: read before anything logs, so it cannot be a setting of a role. */
    static final String LOG_FORMAT_ENV = "MATSTORE_LOG_FORMAT";

    public static void main(String[] args) {
        String format = System.getenv(LOG_FORMAT_ENV);
        if (format != null && !format.isEmpty() && !"text".equals(format) && !"json".equals(format)) {
            System.err.println("invalid configuration: " + LOG_FORMAT_ENV + "=" + format + " is not text or json");
            System.exit(2);
        }
        if ("json".equals(format) && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        int code = commandLine(args).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
