package io.matstore.client;

import java.net.URI;

/**
 * 421 {@code wrong_cell} that survived the client's own handling: after a 421 the client refreshes its routing table
 * at once and retries at the owner it names; this is thrown only when that owner answers 421 as well (the cluster is
 * moving partitions faster than the table follows). {@link #cell()} is the owner the last node named, or null.
 */
public final class MisdirectedException extends MatstoreClientException {
    private static final long serialVersionUID = 1L;

    private final String cell;
    private final long generation;

    public MisdirectedException(String message, URI node, String cell, long generation) {
        super(421, "wrong_cell", message, node, null);
        this.cell = cell;
        this.generation = generation;
    }

    public String cell() {
        return cell;
    }

    /** The routing generation the node answered with. */
    public long generation() {
        return generation;
    }
}
