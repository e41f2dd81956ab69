package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command line only; {@link SaslSslKafkaTest} runs what {@code --sasl-ssl} starts and writes. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LocalKafkaMainTest {
    @Test
    void shouldParseSaslSslUserAndPassword() {
        LocalKafkaMain main = new LocalKafkaMain();
        new CommandLine(main).parseArgs("--sasl-ssl", "alice:alice-secret-1");
        assertThat(main.saslSsl).isEqualTo(new SaslSslSettings("alice", "alice-secret-1"));
    }

    @Test
    void shouldStayPlaintextWithoutSaslSsl() {
        LocalKafkaMain main = new LocalKafkaMain();
        new CommandLine(main).parseArgs("--port", "0");
        assertThat(main.saslSsl).isNull();
    }

    @Test
    void shouldRejectABadPasswordAsAUsageErrorThatSaysWhy() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new LocalKafkaMain())
                .setErr(new PrintWriter(err))
                .execute("--sasl-ssl", "alice:short");
        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("password length=5 < 8");
    }

    @Test
    void shouldDocumentTheFilesItWritesInTheHelp() {
        String help = new CommandLine(new LocalKafkaMain()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(help)
                .contains("--sasl-ssl=USER[:PASSWORD]", "client.properties=<path>", "matstore.properties=<path>");
    }
}
