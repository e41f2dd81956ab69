package io.matstore.precompute.publish;

import java.util.List;

/** A JSON-lines file that is not valid as a whole; nothing of it was sent. */
public final class EventFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;
    private final long errorCount;

    EventFileException(String file, List<String> errors, long errorCount) {
        super(file + ": " + errorCount + " invalid line(s), nothing sent; first: " + errors.get(0), null, false, false);
        this.errors = List.copyOf(errors);
        this.errorCount = errorCount;
    }

    /** The first errors, each {@code line N: field F: ...}. */
    public List<String> errors() {
        return errors;
    }

    public long errorCount() {
        return errorCount;
    }
}
