package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.schemas.offers.fb.OfferResponse;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The version rules of {@link OfferResponseWriter}: v1 bytes unchanged by the v2 schema, v2's field always there. */
class OfferResponseWriterTest {
    /**
     * The spec's example as the v1 schema's generated code wrote it before list_price_minor existed (flatc 2.0.8,
     * strings created sku..promo_id, then createOfferResponse). A v1 writer must keep producing exactly these bytes,
     * or every content hash, ETag and unchanged-response check of a running v1 deployment would change.
     */
    private static final String V1_MUG_BYTES = "200000001c003c0008000c001000140018001c0030002000240028002c000700"
            + "1c000000000000016c000000600000005400000044000000380000002800000002000000180000000a00000003000000fe03"
            + "0000000000000000000003000000502d3900070000006b69746368656e00030000004d75670004000000676f6c6400000000"
            + "0300000045555200020000006575000005000000534b552d31000000";

    private static byte[] mug(OfferResponseWriter writer, long listPriceMinor) {
        return writer.write("SKU-1", "eu", "EUR", "gold", "Mug", "kitchen", 1022, 2, "P-9", 10, 3, listPriceMinor);
    }

    private static OfferResponse read(byte[] bytes) {
        return OfferResponse.getRootAsOfferResponse(ByteBuffer.wrap(bytes));
    }

    @Test
    void shouldWriteVersion1BytesExactlyAsBeforeTheFieldWasAdded() {
        byte[] v1 = mug(new OfferResponseWriter(OffersContract.V1), 1195);
        assertThat(HexFormat.of().formatHex(v1)).isEqualTo(V1_MUG_BYTES);
        assertThat(read(v1).hasListPriceMinor()).isFalse();
        assertThat(read(v1).listPriceMinor()).isZero();
    }

    @Test
    void shouldAlwaysWriteListPriceInVersion2EvenWhenZero() {
        OfferResponseWriter v2 = new OfferResponseWriter(OffersContract.V2);
        OfferResponse mug = read(mug(v2, 1195));
        assertThat(mug.hasListPriceMinor()).isTrue();
        assertThat(mug.listPriceMinor()).isEqualTo(1195);
        assertThat(mug.priceMinor()).isEqualTo(1022);
        assertThat(mug.promoId()).isEqualTo("P-9");
        assertThat(mug.inStock()).isTrue();

        OfferResponse free = read(v2.write("S", "us", "USD", "standard", "", "", 0, 2, "", 0, 0, 0));
        assertThat(free.hasListPriceMinor())
                .as("a default 0 is still written in v2")
                .isTrue();
        assertThat(free.listPriceMinor()).isZero();
        assertThat(free.inStock()).isFalse();
    }

    @Test
    void shouldGiveEqualBytesForEqualInputsWhenTheWriterIsReused() {
        OfferResponseWriter v2 = new OfferResponseWriter(OffersContract.V2);
        byte[] first = mug(v2, 1195);
        v2.write("OTHER", "us", "USD", "standard", "t", "c", 5, 2, "", 0, 0, 9);
        assertThat(mug(v2, 1195)).isEqualTo(first);
        assertThat(mug(v2, 1196)).isNotEqualTo(first);
    }

    @Test
    void shouldWriteTheSameBytesWhetherAStringIsEncodedOrRemembered() {
        // a fan-out's pattern: one product's strings (same instances) across regions and alternating tiers
        String sku = new String("SKU-ü");
        String title = new String("Tasse – 0,3 l");
        String category = new String("küche");
        OfferResponseWriter reused = new OfferResponseWriter(OffersContract.V2);
        for (String region : new String[] {"us", "eu", "us"}) {
            for (String tier : new String[] {"standard", "gold", "standard"}) {
                byte[] remembered = reused.write(sku, region, "EUR", tier, title, category, 7, 2, "P", 5, 1, 9);
                byte[] encoded = new OfferResponseWriter(OffersContract.V2)
                        .write(sku, region, "EUR", tier, title, category, 7, 2, "P", 5, 1, 9);
                assertThat(remembered).as("%s %s", region, tier).isEqualTo(encoded);
                assertThat(read(remembered).title()).isEqualTo(title);
            }
        }
        // an equal string in another instance, and a different one, after the memo filled
        assertThat(reused.write(new String(sku), "eu", "EUR", "gold", "x", category, 7, 2, "P", 5, 1, 9))
                .isEqualTo(new OfferResponseWriter(OffersContract.V2)
                        .write(sku, "eu", "EUR", "gold", "x", category, 7, 2, "P", 5, 1, 9));
    }

    @Test
    void shouldNameTheVersionsThatExistWhenAskedForAnother() {
        assertThat(OffersContract.version(2)).isSameAs(OffersContract.V2);
        assertThat(OffersContract.V2.topic()).isEqualTo("view.offers.v2");
        assertThat(OffersContract.V2.dimensions()).isEqualTo(OffersContract.V1.dimensions());
        assertThatThrownBy(() -> OffersContract.version(3))
                .hasMessage("view offers has no version 3; versions: [1, 2]");
        assertThatThrownBy(() -> new OfferResponseWriter(OffersContract.V1.withVersion(3)))
                .hasMessage("view offers has no version 3; versions: [1, 2]");
    }

    @Test
    void shouldWriteTheBuildersBytesForRandomResponsesOfManyShapes() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(15);
        String[] alphabet = {"a", "Z", "9", "-", "ü", "€", "日", "😀"};
        for (var version : new io.matstore.schemas.ViewDescriptor[] {OffersContract.V1, OffersContract.V2}) {
            OfferResponseWriter writer = new OfferResponseWriter(version);
            OfferResponseWriter reference = new OfferResponseWriter(version);
            String[] pool = new String[40]; // reused instances, as a fan-out's, so the memos hit too
            for (int i = 0; i < pool.length; i++) {
                StringBuilder b = new StringBuilder();
                for (int n = random.nextInt(i % 4 == 0 ? 60 : 12); n > 0; n--) {
                    b.append(alphabet[random.nextInt(alphabet.length)]);
                }
                pool[i] = b.toString();
            }
            for (int i = 0; i < 30_000; i++) {
                String[] s = new String[7];
                for (int j = 0; j < s.length; j++) {
                    s[j] = pool[random.nextInt(pool.length)];
                }
                long price = random.nextInt(4) == 0 ? 0 : random.nextLong();
                int minorUnits = random.nextInt(3);
                int percentOff = random.nextInt(3) == 0 ? 0 : random.nextInt(100);
                int quantity = random.nextInt(-2, 3);
                long listPrice = random.nextInt(4) == 0 ? 0 : random.nextLong();

                byte[] written = writer.write(
                        s[0], s[1], s[2], s[3], s[4], s[5], price, minorUnits, s[6], percentOff, quantity, listPrice);
                ByteBuffer[] utf8 = new ByteBuffer[7];
                for (int j = 0; j < s.length; j++) {
                    utf8[j] = ByteBuffer.wrap(s[j].getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                assertThat(written)
                        .as("response %d", i)
                        .isEqualTo(reference.build(utf8, price, minorUnits, percentOff, quantity, listPrice));
            }
        }
    }
}
