package io.matstore.store.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a version's ingest was last caught up, kept in {@value #NAME} beside the version (decimal wall-clock millis),
 * so that a node restarted while the broker is unreachable still knows how old its data is: without it the time is
 * lost with the process, and the node would count a value's age from when it was computed and not apply the
 * staleness ceiling from when the data was last known current.
 *
 * <p>Written at most once per {@link #MIN_INTERVAL_MILLIS} (catch-ups come every end-offsets refresh, ~5/s) and at
 * close, by replacing the file atomically; not fsynced: an OS crash can only leave an older time, which makes the
 * node count its data as older than it is, the safe side. Only the ingest thread and close write it.
 */
final class CaughtUpFile {
    static final String NAME = "caught-up-at";
    static final long MIN_INTERVAL_MILLIS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(CaughtUpFile.class);

    private final Path file;
    private final Path tmp;
    private long writtenMillis;
    private long writtenAtMillis = Long.MIN_VALUE / 2; // far in the past, without overflow in now - it

    CaughtUpFile(Path versionDir) {
        this.file = versionDir.resolve(NAME);
        this.tmp = versionDir.resolve(NAME + ".tmp");
    }

    /** The time last written, or 0 when there is none (never caught up, or a file that does not parse: logged). */
    long read() {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
            writtenMillis = Long.parseLong(s);
            return writtenMillis;
        } catch (NoSuchFileException never) {
            return 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn(
                    "ignoring {}: {}; the version counts as never caught up until ingest catches up",
                    file,
                    e.toString());
            return 0;
        }
    }

    /** Records {@code caughtUpMillis} unless it was written less than a second ago ({@code nowMillis}). */
    synchronized void onCaughtUp(long caughtUpMillis, long nowMillis) {
        if (nowMillis - writtenAtMillis >= MIN_INTERVAL_MILLIS) {
            write(caughtUpMillis, nowMillis);
        }
    }

    /** Records {@code caughtUpMillis} if it is newer than what the file holds (at close). */
    synchronized void flush(long caughtUpMillis, long nowMillis) {
        if (caughtUpMillis > writtenMillis) {
            write(caughtUpMillis, nowMillis);
        }
    }

    private void write(long caughtUpMillis, long nowMillis) {
        if (caughtUpMillis <= 0) {
            return;
        }
        try {
            Files.writeString(tmp, Long.toString(caughtUpMillis), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writtenMillis = caughtUpMillis;
            writtenAtMillis = nowMillis;
        } catch (IOException e) {
            // the next catch-up tries again; meanwhile a restart would count from an older time (the safe side)
            LOG.warn("could not record the caught-up time in {}: {}", file, e.toString());
            writtenAtMillis = nowMillis;
        }
    }
}
