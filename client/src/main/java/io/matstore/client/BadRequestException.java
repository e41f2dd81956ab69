package io.matstore.client;

import java.net.URI;

/**
 * 400 and the other refusals of the request itself (406, 413, 414, 431): the parameters do not name exactly the
 * view's dimensions, a value is too long... {@link #code()} and {@link #getMessage()} are the node's. The client
 * reports {@code missing_parameter} and {@code unknown_parameter} itself, before sending, since it cannot route a
 * key it cannot build ({@link #node()} is null then).
 */
public final class BadRequestException extends MatstoreClientException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(int status, String code, String message, URI node) {
        super(status, code, message, node, null);
    }
}
