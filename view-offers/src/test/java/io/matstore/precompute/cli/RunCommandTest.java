package io.matstore.precompute.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.ops.OpsHttp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code precompute run} in process on a real broker: it used to die at once setting its state listener on a started
 * client; now it reaches RUNNING, says so, serves its ops endpoint, and stops cleanly when its thread is interrupted
 * (the in-process stand-in for SIGTERM).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunCommandTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final Pattern OPS_LINE =
            Pattern.compile("ops endpoint on (http://127\\.0\\.0\\.1:(\\d+)) \\(/metrics /healthz /readyz\\)");

    @TempDir
    Path dir;

    @Test
    void shouldReachRunningServeReadyzAndStopCleanlyWhenInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(
                () -> exit.set(PrecomputeMain.commandLine()
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(err, true))
                        .execute(
                                "run",
                                "-s",
                                "bootstrap.servers=" + KAFKA.bootstrapServers(),
                                "-s",
                                "http.port=0",
                                "-s",
                                "source.topic=run.offers.events",
                                "-s",
                                "dead.letter.topic=run.offers.events.dlq",
                                "-s",
                                "topic.partitions=1",
                                "-s",
                                "state.dir=" + dir.resolve("state"))),
                "run-cli");
        cli.start();
        try {
            await("the RUNNING line, or the command's end")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> out.toString().contains(" is RUNNING ") || !cli.isAlive());
            assertThat(cli.isAlive()).as("still running; stderr: %s", err).isTrue();
            List<String> lines = out.toString().lines().toList();
            assertThat(lines).hasSize(2);
            Matcher ops = OPS_LINE.matcher(lines.get(0));
            assertThat(ops.matches()).as(lines.get(0)).isTrue();
            assertThat(lines.get(1))
                    .isEqualTo("view offers v1 is RUNNING (application matstore-view-offers-v1): "
                            + "reading [run.offers.events] on " + KAFKA.bootstrapServers()
                            + ", writing view.offers.v1");

            String url = ops.group(1);
            await("/readyz 200")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> OpsHttp.status(url + "/readyz") == 200);
            assertThat(OpsHttp.get(url + "/readyz").body())
                    .isEqualTo("{\"status\":\"ready\",\"views\":{\"offers.v1\":\"RUNNING\"}}");
            assertThat(OpsHttp.get(url + "/metrics").body())
                    .contains("\nmatstore_precompute_ready{version=\"1\"," + "view=\"offers\"} 1");

            cli.interrupt();
            cli.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(cli.isAlive()).isFalse();
            assertThat(exit.get()).isZero();
            assertThat(OpsHttp.status(url + "/readyz"))
                    .as("stopped: the port is closed")
                    .isEqualTo(-1);
        } finally {
            if (cli.isAlive()) {
                cli.interrupt();
                cli.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }
}
