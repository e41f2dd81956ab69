package io.matstore.serving.internal;

import io.matstore.view.json.Ascii;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The status line and headers of a batch answer, composed after its body (they carry its length) into a reused
 * scratch buffer and copied into the room left in front of the body, so the answer is one buffer written once.
 */
final class BatchHead {
    private static final byte[] STATUS_TYPE = Ascii.bytes("HTTP/1.1 200 OK\r\nContent-Type: ");
    private static final byte[] LENGTH = Ascii.bytes("\r\nContent-Length: ");
    private static final byte[] VERSION = Ascii.bytes("\r\nCache-Control: no-store\r\nX-Matstore-View-Version: ");
    private static final byte[] CLOSE = Ascii.bytes("\r\nConnection: close");
    private static final byte[] END = Ascii.bytes("\r\n\r\n");

    private final ByteBuf head = Unpooled.directBuffer(256, ViewResponder.HEADROOM);

    /**
     * Writes the head in front of the body that starts at {@code bodyStart} and ends at {@code out}'s writer index,
     * and moves the reader index to the head's first byte.
     */
    void prepend(ByteBuf out, int bodyStart, byte[] contentType, int version, boolean keepAlive) {
        ByteBuf h = head.clear();
        h.writeBytes(STATUS_TYPE);
        h.writeBytes(contentType);
        h.writeBytes(LENGTH);
        Ascii.writeDecimal(h, out.writerIndex() - bodyStart);
        h.writeBytes(VERSION);
        Ascii.writeDecimal(h, version);
        if (!keepAlive) {
            h.writeBytes(CLOSE);
        }
        h.writeBytes(END);
        int n = h.readableBytes();
        out.setBytes(bodyStart - n, h, 0, n);
        out.readerIndex(bodyStart - n);
    }
}
