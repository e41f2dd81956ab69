package io.matstore.client.internal;

import io.netty.buffer.ByteBuf;

/**
 * Writes a request target ({@code /path?query}, already percent-encoded, ASCII) straight into the request's buffer,
 * so that a lookup builds no String for it.
 */
@FunctionalInterface
public interface Target {
    void writeTarget(ByteBuf out);
}
