package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PricingTest {
    @Test
    void shouldGiveTheSpecWorkedExample() {
        assertThat(Pricing.priceMinor(1299, 10, 500, 920_000L, 2)).isEqualTo(1022);
    }

    @Test
    void shouldRoundAnExactHalfUp() {
        assertThat(Pricing.priceMinor(10, 0, 500, 1_000_000L, 2)).isEqualTo(10); // 9.5
        assertThat(Pricing.priceMinor(1299, 0, 0, 150_000_000L, 0)).isEqualTo(1949); // 1948.5
        assertThat(Pricing.priceMinor(1, 0, 500, 1_000_000L, 2)).isEqualTo(1); // 0.95
        assertThat(Pricing.priceMinor(0, 90, 500, 1_000_000L, 3)).isZero();
    }

    @Test
    void shouldStayExactWhereTheProductExceeds64Bits() {
        // n = 10^12 × 100 × 10000 × 10^11 × 1000 = 10^32: far beyond 64 bits, the result (10^18) is not.
        assertThat(Pricing.priceMinor(1_000_000_000_000L, 0, 0, 100_000_000_000L, 3))
                .isEqualTo(1_000_000_000_000_000_000L);
    }

    @Test
    void shouldRefuseAPriceBeyond64Bits() {
        assertThatThrownBy(() -> Pricing.priceMinor(Long.MAX_VALUE, 0, 0, Long.MAX_VALUE, 3))
                .isInstanceOf(ArithmeticException.class);
    }
}
