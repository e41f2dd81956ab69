package io.matstore.view.json;

import io.netty.buffer.ByteBuf;

/**
 * Renders one view's response (a FlatBuffer lying in a ByteBuf) as the JSON object its view spec defines.
 * Implementations write straight into {@code out} and allocate nothing.
 */
public interface JsonRenderer {
    /**
     * Writes the object's opening brace and its fields, but not the closing brace: the caller appends
     * {@code ,"_meta":{...}}} after them.
     *
     * @param src      buffer holding the response
     * @param response index of the response buffer's first byte (its root offset)
     */
    void renderFields(ByteBuf src, int response, ByteBuf out);
}
