package io.matstore.client.internal;

import io.netty.handler.codec.http.HttpHeaders;

/** A node's answer: status, headers and the whole body, copied once from the connection's buffers. */
public final class Response {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;

    Response(int status, HttpHeaders headers, byte[] body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public int statusCode() {
        return status;
    }

    /** The first value of a header (name case-insensitive), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    public byte[] body() {
        return body;
    }
}
