package io.matstore.client;

import java.net.URI;

/** 404: no value for the key ({@code not_found}), no such view ({@code unknown_view}), or a version not held. */
public final class NotFoundException extends MatstoreClientException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String code, String message, URI node) {
        super(404, code, message, node, null);
    }
}
