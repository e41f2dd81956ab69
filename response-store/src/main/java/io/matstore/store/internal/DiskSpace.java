package io.matstore.store.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The usable space of the file system a version's files are on, against the floor ingest needs
 * ({@code store.disk.min.free.bytes}). Checked before writing rather than waiting for ENOSPC: RocksDB turns a failed
 * flush into a background error that refuses all writes until resumed, and a Chronicle Map file's pages are
 * allocated when first touched, so a write into it on a full file system faults instead of throwing.
 */
final class DiskSpace {
    private final Path dir;
    private final long minFreeBytes;
    private FileStore store;

    DiskSpace(Path dir, long minFreeBytes) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
    }

    /** Usable bytes now; Long.MAX_VALUE when the file system cannot say (then nothing pauses on it). */
    long usableBytes() {
        try {
            if (store == null) {
                store = Files.getFileStore(dir);
            }
            return store.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Why ingest must pause now, or null when there is room. */
    String shortage() {
        if (minFreeBytes == 0) {
            return null;
        }
        long usable = usableBytes();
        return usable >= minFreeBytes
                ? null
                : "ingest paused: disk full: " + dir + " has " + usable
                        + " bytes usable < store.disk.min.free.bytes=" + minFreeBytes
                        + "; reads go on from what is stored, ingest resumes when space returns";
    }
}
