package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line a start builds: only the named role's command, with the same error handling as the full tree. */
class MatstoreMainTest {
    @Test
    void shouldBuildOnlyTheRoleTheFirstArgumentNames() {
        assertThat(MatstoreMain.commandLine(new String[] {"serve", "-s", "serving.port=0"})
                        .getSubcommands()
                        .keySet())
                .containsExactly("serve");
    }

    @Test
    void shouldBuildEveryRoleWhenTheFirstArgumentNamesNone() {
        assertThat(MatstoreMain.commandLine(new String[] {"--help"})
                        .getSubcommands()
                        .keySet())
                .containsExactlyInAnyOrderElementsOf(
                        MatstoreMain.commandLine().getSubcommands().keySet())
                .contains("serve", "precompute", "admin", "local");
        assertThat(MatstoreMain.commandLine(new String[0]).getSubcommands()).hasSizeGreaterThan(1);
    }

    @Test
    void shouldEndABadSettingOfTheOneRoleWithOneLineAndExitCode2() {
        String[] args = {"serve", "-s", "serving.prot=1"};
        StringWriter err = new StringWriter();
        CommandLine cli = MatstoreMain.commandLine(args).setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).isEqualTo(2);
        assertThat(err.toString()).startsWith("invalid configuration: unknown setting \"serving.prot\"");
    }
}
