package io.matstore.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResponseEnvelopeWriterTest {
    private static final ViewDescriptor OFFERS_V1 = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");
    private static final String TRACE_PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldWriteTheBuildersBytesForEveryLengthAndValue() {
        SplittableRandom random = new SplittableRandom(15);
        // Few slots for this many shapes: templates are evicted and rebuilt, and re-used with new contents.
        for (ViewDescriptor view : new ViewDescriptor[] {
            OFFERS_V1, ViewDescriptor.of("a", 1, "k"), ViewDescriptor.of("category-deals", 7, "category", "region")
        }) {
            ResponseEnvelopeWriter writer = new ResponseEnvelopeWriter(view);
            for (int i = 0; i < 20_000; i++) {
                byte[] key = bytes(random, random.nextInt(i % 3 == 0 ? 200 : 40));
                byte[] response = bytes(random, random.nextInt(i % 5 == 0 ? 9000 : 400));
                long hash = random.nextInt(50) == 0 ? 0L : random.nextLong();
                long computedAt = random.nextInt(50) == 0 ? 0L : random.nextLong();
                String trace = random.nextInt(20) == 0 ? TRACE_PARENT : null;

                assertThat(writer.encode(key, hash, computedAt, response, trace))
                        .as(
                                "key %d B, response %d B, hash %d, computed at %d, trace %s",
                                key.length, response.length, hash, computedAt, trace)
                        .isEqualTo(ResponseEnvelopes.encode(view, key, hash, computedAt, response, trace));
            }
        }
    }

    @Test
    void shouldNotLeaveOnePatchedEnvelopesBytesInTheNext() {
        ResponseEnvelopeWriter writer = new ResponseEnvelopeWriter(OFFERS_V1);
        byte[] key = KeyCodec.encode(OFFERS_V1, "SKU-1", "eu", "EUR", "gold");
        byte[] first = writer.encode(key, 42L, 7L, new byte[] {1, 2, 3, 4}, null);
        byte[] second = writer.encode(key, 43L, 8L, new byte[] {5, 6, 7, 8}, null);

        assertThat(first).isEqualTo(ResponseEnvelopes.encode(OFFERS_V1, key, 42L, 7L, new byte[] {1, 2, 3, 4}));
        assertThat(second).isEqualTo(ResponseEnvelopes.encode(OFFERS_V1, key, 43L, 8L, new byte[] {5, 6, 7, 8}));
        assertThat(ResponseEnvelopes.open(second).contentHash()).isEqualTo(43L);
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}
