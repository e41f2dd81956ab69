package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;

/** A composed response and its status, filled by the endpoint that answered; one reused per connection. */
public final class Answer {
    public ByteBuf buf;
    public int status;

    Answer set(ByteBuf b, int s) {
        buf = b;
        status = s;
        return this;
    }
}
