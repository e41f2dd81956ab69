package io.matstore.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells {@code bin/run-main} that this start got far enough for the class archive it dumps at exit to be kept: a
 * start that failed (a bad setting, a locked store) loaded too few classes to speed up the starts after it. The
 * script passes the file to create as {@value #PROPERTY} only when it has asked the JVM for an archive.
 */
final class ClassArchiveTraining {
    static final String PROPERTY = "matstore.cds.served";

    private ClassArchiveTraining() {}

    /** Called once the node serves; does nothing unless an archive is being made. */
    static void onServing() {
        String file = System.getProperty(PROPERTY);
        if (file == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), "");
        } catch (IOException e) {
            // the archive is only an optimisation: without the file it is not kept, and the next start makes one
            System.err.println("cannot write " + file + " (the class archive of this start will not be kept): " + e);
        }
    }
}
