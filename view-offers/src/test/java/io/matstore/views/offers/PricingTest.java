package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.SplittableRandom;
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

    @Test
    void shouldAgreeWithTheBigIntegerFormulaOnBothSidesOfThe64BitFastPath() {
        SplittableRandom random = new SplittableRandom(15);
        int slowPath = 0;
        for (int i = 0; i < 200_000; i++) {
            // magnitudes from tiny to far beyond 64 bits, so both the long path and its fallback are exercised
            long base = random.nextLong(1, 1L << random.nextInt(1, 62));
            long rate = random.nextLong(1, 1L << random.nextInt(1, 62));
            int percentOff = random.nextInt(0, 101);
            int tierBps = random.nextBoolean() ? 0 : 500;
            int minorUnits = random.nextInt(0, 4);
            BigInteger expected = reference(base, percentOff, tierBps, rate, minorUnits);
            if (expected.bitLength() > 63) {
                slowPath++;
                assertThatThrownBy(() -> Pricing.priceMinor(base, percentOff, tierBps, rate, minorUnits))
                        .isInstanceOf(ArithmeticException.class);
            } else {
                assertThat(Pricing.priceMinor(base, percentOff, tierBps, rate, minorUnits))
                        .as(
                                "base=%d percentOff=%d tierBps=%d rate=%d minorUnits=%d",
                                base, percentOff, tierBps, rate, minorUnits)
                        .isEqualTo(expected.longValueExact());
            }
        }
        assertThat(slowPath).isBetween(1, 199_999);
    }

    @Test
    void shouldAgreeWithTheBigIntegerFormulaOnCataloguePricesAndRatesPast62Bits() {
        // Realistic prices (up to 10^8 cents) at rates up to 10^12 micros: n mostly beyond 62 bits, the 128-bit
        // division's domain, with results far inside a long.
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 200_000; i++) {
            long base = random.nextLong(0, 100_000_001L);
            long rate = random.nextLong(1, 1_000_000_000_001L);
            int percentOff = random.nextInt(0, 91);
            int tierBps = random.nextBoolean() ? 0 : 500;
            int minorUnits = random.nextInt(0, 4);
            assertThat(Pricing.priceMinor(base, percentOff, tierBps, rate, minorUnits))
                    .as(
                            "base=%d percentOff=%d tierBps=%d rate=%d minorUnits=%d",
                            base, percentOff, tierBps, rate, minorUnits)
                    .isEqualTo(reference(base, percentOff, tierBps, rate, minorUnits)
                            .longValueExact());
        }
    }

    @Test
    void shouldRoundHalvesUpOnThe128BitPath() {
        // 7,000,001 cents at 50 units per USD, no minor units: 3,500,000.5 → 3,500,001; n ≈ 3.5 × 10^20 > 2^64
        assertThat(Pricing.priceMinor(7_000_001L, 0, 0, 50_000_000L, 0)).isEqualTo(3_500_001L);
        // n ≈ 6.2 × 10^24: 12,345.67 USD at 500,000 units per USD, one minor unit
        assertThat(Pricing.priceMinor(1_234_567L, 0, 0, 500_000_000_000L, 1)).isEqualTo(61_728_350_000L);
    }

    /** The spec's formula as written, independent of Pricing's fast path. */
    private static BigInteger reference(long base, int percentOff, int tierBps, long rate, int minorUnits) {
        BigInteger n = BigInteger.valueOf(base)
                .multiply(BigInteger.valueOf(100 - percentOff))
                .multiply(BigInteger.valueOf(10_000 - tierBps))
                .multiply(BigInteger.valueOf(rate))
                .multiply(BigInteger.TEN.pow(minorUnits));
        BigInteger d = BigInteger.valueOf(100L * 10_000L * 1_000_000L * 100L);
        return n.shiftLeft(1).add(d).divide(d.shiftLeft(1));
    }
}
