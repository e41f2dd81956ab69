package io.matstore.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class KeyCodecProperties {
    private static final ViewDescriptor OFFERS = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");

    @Provide
    Arbitrary<String> values() {
        // Any Unicode, including the separators a naive "a|b" or "a=b&c" key would confuse, and empty strings.
        Arbitrary<String> anyUnicode =
                Arbitraries.strings().all().ofMaxLength(40).filter(KeyCodecProperties::isWellFormed);
        Arbitrary<String> separators = Arbitraries.strings()
                .withChars("|=&,;:/\u0000\u0001\u0080\u00ff é漢")
                .ofMaxLength(6);
        return Arbitraries.oneOf(
                anyUnicode, separators, Arbitraries.strings().alpha().ofMaxLength(3));
    }

    private static boolean isWellFormed(String s) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    @Provide
    Arbitrary<List<String>> keys() {
        return values().list().ofSize(4);
    }

    @Property
    void shouldRoundTripAnyValues(@ForAll("keys") List<String> values) {
        byte[] key = KeyCodec.encode(OFFERS, values);
        assertThat(KeyCodec.decode(OFFERS, key)).isEqualTo(values);
        assertThat(KeyCodec.decode(key).view()).isEqualTo("offers");
    }

    @Property
    void shouldNeverGiveDistinctInputsTheSameKey(@ForAll("keys") List<String> a, @ForAll("keys") List<String> b) {
        byte[] ka = KeyCodec.encode(OFFERS, a);
        byte[] kb = KeyCodec.encode(OFFERS, b);
        assertThat(Arrays.equals(ka, kb)).isEqualTo(a.equals(b));
    }

    @Property
    void shouldNotCollideWhenBytesShiftBetweenNeighbouringValues(
            @ForAll("values") String s, @ForAll("values") String t) {
        // "ab"+"c" vs "a"+"bc": the classic ambiguity of concatenation without lengths.
        String joined = s + t;
        for (int cut = 0; cut <= joined.length(); cut++) {
            String left = joined.substring(0, cut);
            String right = joined.substring(cut);
            if (left.equals(s) || !isWellFormed(left) || !isWellFormed(right)) {
                continue;
            }
            assertThat(KeyCodec.encode(OFFERS, left, right, "x", "y"))
                    .isNotEqualTo(KeyCodec.encode(OFFERS, s, t, "x", "y"));
        }
    }

    @Property
    void shouldOrderValuesByDescriptorWhateverTheMapOrder(@ForAll("keys") List<String> values, @ForAll long seed) {
        List<String> dims = new java.util.ArrayList<>(OFFERS.dimensions());
        Collections.shuffle(dims, new java.util.Random(seed));
        Map<String, String> byName = new LinkedHashMap<>();
        for (String d : dims) {
            byName.put(d, values.get(OFFERS.dimensionIndex(d)));
        }
        assertThat(KeyCodec.encode(OFFERS, byName)).isEqualTo(KeyCodec.encode(OFFERS, values));
    }

    @Property
    void shouldNotCollideAcrossViews(@ForAll("keys") List<String> values) {
        ViewDescriptor other = ViewDescriptor.of("offerz", 1, "sku", "region", "currency", "tier");
        assertThat(KeyCodec.encode(other, values)).isNotEqualTo(KeyCodec.encode(OFFERS, values));
    }

    @Property
    void shouldBuildTheSameKeyWithTheAllocationFreeWriters(@ForAll("keys") List<String> values) {
        ByteBuffer direct = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
        ByteBuffer source = ByteBuffer.allocateDirect(4 * 200);
        KeyCodec.writePrefix(OFFERS, direct);
        for (String v : values) {
            byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
            source.clear();
            source.put(utf8);
            KeyCodec.writeValue(direct, source, 0, utf8.length);
        }
        direct.flip();
        byte[] written = new byte[direct.remaining()];
        direct.get(written);
        assertThat(written).isEqualTo(KeyCodec.encode(OFFERS, values));
    }

    @Example
    void shouldLayOutBytesAsDocumented() {
        byte[] key = KeyCodec.encode(ViewDescriptor.of("v", 1, "a", "b"), "x", "é");
        assertThat(key).containsExactly(0x01, 1, 'v', 1, 'x', 2, 0xC3, 0xA9);
    }

    @Example
    void shouldUseTwoByteLengthsPastOneHundredTwentySeven() {
        String v = "a".repeat(300);
        byte[] key = KeyCodec.encode(ViewDescriptor.of("v", 1, "a"), v);
        assertThat(Arrays.copyOfRange(key, 3, 5)).containsExactly(0xAC, 0x02);
        assertThat(KeyCodec.decode(key).values()).containsExactly(v);
    }

    @Example
    void shouldRejectNonMinimalLength() {
        byte[] padded = {0x01, 1, 'v', (byte) 0x81, 0x00, 'x'};
        assertThatThrownBy(() -> KeyCodec.decode(padded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("length varint is not minimal at byte 4");
    }

    @Example
    void shouldRejectUnpairedSurrogateInsteadOfReplacingIt() {
        assertThatThrownBy(() -> KeyCodec.encode(OFFERS, "a\uD800", "eu", "EUR", "gold"))
                .hasMessage("sku is not valid Unicode (unpaired surrogate)");
    }

    @Example
    void shouldRejectTruncatedKey() {
        byte[] cut = {0x01, 1, 'v', 5, 'x'};
        assertThatThrownBy(() -> KeyCodec.decode(cut)).hasMessage("value of 5 bytes overruns the key (1 left)");
    }

    @Example
    void shouldRejectOversizedValueNamingTheLimit() {
        assertThatThrownBy(() -> KeyCodec.encode(OFFERS, "a".repeat(1025), "eu", "EUR", "gold"))
                .hasMessage("sku is 1025 bytes > MAX_VALUE_BYTES=1024");
    }

    @Example
    void shouldRejectMissingAndUnknownDimensions() {
        assertThatThrownBy(() -> KeyCodec.encode(OFFERS, Map.of("sku", "a", "region", "eu", "currency", "EUR")))
                .hasMessage("view offers needs dimension \"tier\"");
        assertThatThrownBy(() -> KeyCodec.encode(
                        OFFERS, Map.of("sku", "a", "region", "eu", "currency", "EUR", "tier", "gold", "colour", "red")))
                .hasMessage("view offers has no dimension \"colour\"; dimensions are [sku, region, currency, tier]");
    }

    @Example
    void shouldRejectKeyOfAnotherView() {
        byte[] key =
                KeyCodec.encode(ViewDescriptor.of("fares", 1, "route", "date", "cabin", "tier"), "a", "b", "c", "d");
        assertThatThrownBy(() -> KeyCodec.decode(OFFERS, key))
                .hasMessage("key of fares with 4 values is not a key of offers [sku, region, currency, tier]");
    }
}
