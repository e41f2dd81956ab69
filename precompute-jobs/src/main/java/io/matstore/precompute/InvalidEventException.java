package io.matstore.precompute;

/** A source event the view rejects; its message is the reason written to the dead-letter record. */
public final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }
}
