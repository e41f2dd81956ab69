package io.matstore.views.categorydeals;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.views.categorydeals.fb.CategoryDealsResponse;
import io.matstore.views.categorydeals.fb.Deal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JSON of docs/views/category-deals.md, and the validator's verdict on a list in and out of order. */
class DealsJsonRendererTest {
    private static byte[] response(String category, long firstPrice, long secondPrice) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int mug = Deal.createDeal(b, b.createString("SKU-7"), b.createString("Mug \"XL\""), firstPrice);
        int cup = Deal.createDeal(b, b.createString("SKU-3"), b.createString("Cup"), secondPrice);
        int deals = CategoryDealsResponse.createDealsVector(b, new int[] {mug, cup});
        int root = CategoryDealsResponse.createCategoryDealsResponse(
                b,
                b.createString(category),
                b.createString("eu"),
                b.createString("EUR"),
                b.createString("gold"),
                2,
                deals);
        CategoryDealsResponse.finishCategoryDealsResponseBuffer(b, root);
        return b.sizedByteArray();
    }

    @Test
    void shouldRenderTheFieldsAndTheListInOrder() {
        ByteBuf src = Unpooled.buffer();
        src.writeBytes(new byte[] {7, 7, 7}); // the response lies inside an envelope, not at index 0
        int start = src.writerIndex();
        src.writeBytes(response("kitchen", 1022, 1100));
        ByteBuf out = Unpooled.buffer();
        new DealsJsonRenderer().renderFields(src, start, out);
        assertThat(out.toString(StandardCharsets.UTF_8) + "}")
                .isEqualTo("{\"category\":\"kitchen\",\"region\":\"eu\","
                        + "\"currency\":\"EUR\",\"tier\":\"gold\",\"minor_units\":2,\"deals\":[{\"sku\":\"SKU-7\","
                        + "\"title\":\"Mug \\\"XL\\\"\",\"price_minor\":1022},{\"sku\":\"SKU-3\",\"title\":\"Cup\","
                        + "\"price_minor\":1100}]}");
    }

    @Test
    void shouldRejectAListOutOfOrderOrUnderAnotherKey() {
        DealsValidator validator = new DealsValidator();
        byte[] key = KeyCodec.encode(CategoryDealsContract.V1, "kitchen", "eu", "EUR", "gold");
        assertThat(validator.check(CategoryDealsContract.V1, key, envelope(key, response("kitchen", 1022, 1100)), null))
                .isNull();
        assertThat(validator.check(CategoryDealsContract.V1, key, envelope(key, response("kitchen", 1100, 1022)), null))
                .isEqualTo("deal 1 (SKU-3, 1022) is not after deal 0 (SKU-7, 1100)");
        assertThat(validator.check(CategoryDealsContract.V1, key, envelope(key, response("garden", 1022, 1100)), null))
                .isEqualTo("category garden is not the key's kitchen");
    }

    private static io.matstore.schemas.fb.ResponseEnvelope envelope(byte[] key, byte[] response) {
        return ResponseEnvelopes.open(ResponseEnvelopes.encode(CategoryDealsContract.V1, key, 1L, 2L, response));
    }
}
