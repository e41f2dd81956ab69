package io.matstore.client;

import java.net.URI;

/**
 * Base of every error the client reports. {@link #code()} is the node's stable error code (docs/api.md) when a node
 * answered, or a client-side code ({@code unreachable}, {@code no_owner}, {@code bad_answer}) when none did;
 * {@link #node()} is the node that answered last, or null.
 */
public class MatstoreClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient URI node;

    public MatstoreClientException(int status, String code, String message, URI node, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.node = node;
    }

    /** The HTTP status the node answered, or 0 when no node answered. */
    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public URI node() {
        return node;
    }
}
