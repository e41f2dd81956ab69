package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchLinesTest {
    private static List<String> lines(String body) {
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1);
        BatchLines lines = BatchLines.of(buf);
        buf.release();
        List<String> out = new ArrayList<>();
        int count = lines.count();
        while (lines.nextLine()) {
            out.add(lines.subSequence(lines.lineStart(), lines.lineEnd()).toString());
        }
        assertThat(out).hasSize(count);
        return out;
    }

    @Test
    void shouldSplitOnLineFeedsAndStripWhatStringStripStripped() {
        assertThat(lines("a=1\r\n\n  \t\n?b=2 \nc=3")).containsExactly("a=1", "b=2", "c=3");
    }

    @Test
    void shouldKeepALoneQuestionMarkAsAnEmptyItem() {
        assertThat(lines("?\n\n")).containsExactly("");
    }

    @Test
    void shouldHaveNoItemsInABlankBody() {
        assertThat(lines("")).isEmpty();
        assertThat(lines("\r\n \n")).isEmpty();
    }

    @Test
    void shouldReadBytesAsTheCharsOfTheSameValueAndKeepOtherControlChars() {
        assertThat(lines("\u0001sku=\u00e9\u00a0")).containsExactly("\u0001sku=\u00e9\u00a0");
    }

    @Test
    void shouldHoldBodiesLargerThanItsFirstArray() {
        String line = "sku=" + "x".repeat(100);
        String body = (line + "\n").repeat(400);
        assertThat(lines(body)).hasSize(400).allMatch(line::equals);
    }
}
