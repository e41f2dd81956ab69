package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ETagsTest {
    private static final long HASH = 0xfedcba9876543210L;

    @Test
    void shouldMatchTheTagStrongOrWeakInAList() {
        assertThat(ETags.matches("\"fedcba9876543210\"", HASH)).isTrue();
        assertThat(ETags.matches("W/\"fedcba9876543210\"", HASH)).isTrue();
        assertThat(ETags.matches("\"0000000000000000\", \"FEDCBA9876543210\"", HASH))
                .isTrue();
        assertThat(ETags.matches("*", HASH)).isTrue();
    }

    @Test
    void shouldNotMatchOtherTagsOrGarbage() {
        assertThat(ETags.matches(null, HASH)).isFalse();
        assertThat(ETags.matches("\"fedcba9876543211\"", HASH)).isFalse();
        assertThat(ETags.matches("\"fedcba9876543210", HASH)).isFalse();
        assertThat(ETags.matches("\"a,*\"", HASH)).isFalse();
        assertThat(ETags.matches("fedcba9876543210", HASH)).isFalse();
    }

    @Test
    void shouldMatchAJsonTagOnlyWithItsOwnSuffix() {
        byte[] fresh = Freshness.jsonTagSuffix(Freshness.FRESH);
        assertThat(ETags.matches("\"fedcba9876543210-json\"", HASH, fresh)).isTrue();
        assertThat(ETags.matches("W/\"0000000000000000-json\", \"fedcba9876543210-json\"", HASH, fresh))
                .isTrue();
        assertThat(ETags.matches("\"fedcba9876543210\"", HASH, fresh))
                .as("the FlatBuffers tag")
                .isFalse();
        assertThat(ETags.matches("\"fedcba9876543210-json-lagging\"", HASH, fresh))
                .isFalse();
        assertThat(ETags.matches("\"fedcba9876543210-json-lagging\"", HASH, Freshness.jsonTagSuffix(Freshness.LAGGING)))
                .isTrue();
        assertThat(ETags.matches("\"fedcba9876543210-json\"", HASH))
                .as("the JSON tag for FlatBuffers")
                .isFalse();
        assertThat(ETags.matches("*", HASH, fresh)).isTrue();
    }
}
