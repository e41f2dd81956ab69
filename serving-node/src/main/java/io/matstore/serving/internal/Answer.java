package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;

/** A composed response and its status, filled by the endpoint that answered; one reused per connection. */
public final class Answer {
    public ByteBuf buf;
    public int status;
    /** A view value answered although its version is not fresh (GET only; batch items say it in their body). */
    public boolean stale;

    Answer set(ByteBuf b, int s) {
        buf = b;
        status = s;
        stale = false;
        return this;
    }
}
