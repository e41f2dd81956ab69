package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaughtUpFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteAtMostOncePerSecondAndTheLatestTimeAtClose() {
        CaughtUpFile f = new CaughtUpFile(dir);
        assertThat(f.read()).as("never caught up").isZero();

        f.onCaughtUp(1_000, 10_000);
        f.onCaughtUp(1_200, 10_200);
        f.onCaughtUp(1_400, 10_999);
        assertThat(new CaughtUpFile(dir).read())
                .as("within the second of the first write")
                .isEqualTo(1_000);

        f.onCaughtUp(2_000, 11_000);
        assertThat(new CaughtUpFile(dir).read()).isEqualTo(2_000);

        f.onCaughtUp(2_300, 11_300);
        f.flush(2_300, 11_400);
        assertThat(new CaughtUpFile(dir).read()).as("flushed at close").isEqualTo(2_300);
    }

    @Test
    void shouldCountAnUnreadableFileAsNeverCaughtUp() throws Exception {
        Files.writeString(dir.resolve(CaughtUpFile.NAME), "not a number");

        assertThat(new CaughtUpFile(dir).read()).isZero();
    }
}
