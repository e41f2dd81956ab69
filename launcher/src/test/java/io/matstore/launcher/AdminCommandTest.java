package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code matstore admin} against a real node's admin listener (token-protected), over a real socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminCommandTest {
    @TempDir
    Path dataDir;

    private VersionedResponseStore store;
    private final ServingNode node = new ServingNode();
    private String url;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        // No version is held, so the store never connects to this broker address.
        store = ResponseStores.open(StoreConfig.of(dataDir, "127.0.0.1:1").withNearCache(1_000, 1 << 20));
        node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT, "0", ServingConfig.ADMIN_PORT, "0", ServingConfig.ADMIN_TOKEN, "t0k")));
        url = "http://127.0.0.1:" + node.adminPort();
    }

    @AfterEach
    void stop() {
        node.close();
        store.close();
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(MatstoreMain.class);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldPrintStatusWithTheToken() {
        assertThat(run("admin", "status", "--url", url, "--token", "t0k")).isZero();
        assertThat(out.toString().trim()).isEqualTo("{\"versions\":[],\"quarantined\":[]}");
    }

    @Test
    void shouldExitOneAndPrintTheJsonErrorWhenRefused() {
        assertThat(run("admin", "status", "--url", url)).isEqualTo(1);
        assertThat(err.toString()).startsWith("{\"error\":{\"code\":\"unauthorized\"");
        assertThat(run("admin", "rollback", "offers", "--url", url, "--token", "t0k"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("{\"error\":{\"code\":\"no_previous_version\"");
        assertThat(run("admin", "swap", "offers", "2", "--force", "--url", url, "--token", "t0k"))
                .isEqualTo(1);
        assertThat(err.toString())
                .contains("{\"error\":{\"code\":\"version_not_held\",\"message\":\"version 2 of"
                        + " view offers is not held by this node; held: []\"}}");
    }

    @Test
    void shouldExitTwoWhenTheNodeCannotBeReached() {
        node.close();
        assertThat(run("admin", "status", "--url", url, "--token", "t0k")).isEqualTo(2);
        assertThat(err.toString()).startsWith("cannot reach " + url);
    }
}
