package io.matstore.it.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs the fault run mounts for one node's data directory, so that the node's disk can really fill and
 * free again. Mounting needs root; where it cannot mount, {@link #mounted()} is false and {@link #whyNot()} says why,
 * and the run plans no full disk.
 */
final class SmallDisk implements AutoCloseable {
    private final Path path;
    private final String whyNot;
    private final Path filler;

    private SmallDisk(Path path, String whyNot) {
        this.path = path;
        this.whyNot = whyNot;
        this.filler = path.resolve("filler");
    }

    static SmallDisk mount(Path path, int mebibytes) throws IOException, InterruptedException {
        Files.createDirectories(path);
        String failure;
        try {
            Process p = new ProcessBuilder(
                            "mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", path.toString())
                    .redirectErrorStream(true)
                    .start();
            boolean done = p.waitFor(10, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes()).trim();
            failure = done && p.exitValue() == 0 ? null : "mount -t tmpfs failed: " + out;
        } catch (IOException e) {
            failure = "cannot run mount: " + e.getMessage();
        }
        return new SmallDisk(path, failure);
    }

    boolean mounted() {
        return whyNot == null;
    }

    String whyNot() {
        return whyNot;
    }

    Path path() {
        return path;
    }

    /**
     * Writes a filler file (real bytes: tmpfs does not count holes) until {@code leave} bytes or fewer are free.
     *
     * @return the filler's size
     */
    long fillLeaving(long leave) throws IOException {
        FileStore store = Files.getFileStore(path);
        byte[] chunk = new byte[1 << 20];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (store.getUsableSpace() > leave + chunk.length) {
                out.write(chunk);
                out.flush();
                written += chunk.length;
            }
        }
        return written;
    }

    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException {
        if (!mounted()) {
            return;
        }
        Process p = new ProcessBuilder("umount", path.toString())
                .redirectErrorStream(true)
                .start();
        if (p.onExit().orTimeout(10, TimeUnit.SECONDS).join().exitValue() != 0) {
            // still busy: detach it, the kernel frees it once the last file is closed
            new ProcessBuilder("umount", "-l", path.toString())
                    .start()
                    .onExit()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
        }
    }
}
