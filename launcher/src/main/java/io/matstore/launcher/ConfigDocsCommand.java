package io.matstore.launcher;

import io.matstore.config.ConfigDocs;
import io.matstore.config.SettingsSchema;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code matstore config-docs [ROLE]}: the settings reference, generated from the definitions (docs/configuration.md). */
@Command(
        name = "config-docs",
        mixinStandardHelpOptions = true,
        description = "Print every setting of every role (or of ROLE): name, type, default, valid values, doc, in"
                + " Markdown. docs/configuration.md is this output.")
final class ConfigDocsCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "ROLE", description = "precompute or serve (default: every role).")
    String role;

    @Override
    public Integer call() {
        if (role == null) {
            System.out.print(ConfigDocs.markdown(Roles.ALL));
            return 0;
        }
        List<String> names = Roles.ALL.stream().map(SettingsSchema::role).toList();
        for (SettingsSchema s : Roles.ALL) {
            if (s.role().equals(role)) {
                System.out.print(ConfigDocs.role(s));
                return 0;
            }
        }
        System.err.println("unknown role \"" + role + "\"; roles with settings: " + names);
        return 2;
    }
}
