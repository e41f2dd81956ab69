package io.matstore.precompute.replay;

/** A replay that would be wrong to start as asked; the message names the problem and the way out. */
public final class ReplayRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReplayRefusedException(String message) {
        super(message);
    }
}
