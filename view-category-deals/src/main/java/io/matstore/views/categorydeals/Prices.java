package io.matstore.views.categorydeals;

import java.math.BigInteger;

/**
 * The price of an offer as the offers spec defines it (docs/views/offers.md, "The response"), in exact integer
 * arithmetic: {@code round half up of base × (100 − percent_off) × (10000 − tier_bps) × usd_rate_micros ×
 * 10^minor_units / (100 × 10000 × 10^6 × 100)}. The numerator exceeds 64 bits for ordinary prices, hence BigInteger.
 */
final class Prices {
    static final String USD = "USD";
    static final long USD_RATE_MICROS = 1_000_000L;
    static final int USD_MINOR_UNITS = 2;
    static final String STANDARD = "standard";
    static final String GOLD = "gold";

    private static final BigInteger DIVISOR = BigInteger.valueOf(100L * 10_000L * 1_000_000L * 100L);

    private Prices() {}

    /** Basis points off for a tier, or -1 for a tier that is not in the parameter space. */
    static int tierBps(String tier) {
        return STANDARD.equals(tier) ? 0 : GOLD.equals(tier) ? 500 : -1;
    }

    /** Byte order of the UTF-8 encodings, as every comparison of the offers spec ({@code String.compareTo} is not). */
    static int compareSkus(String a, String b) {
        return java.util.Arrays.compareUnsigned(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** @throws ArithmeticException when the price does not fit a long */
    static long priceMinor(long baseUsdCents, int percentOff, int tierBps, long usdRateMicros, int minorUnits) {
        BigInteger n = BigInteger.valueOf(baseUsdCents)
                .multiply(BigInteger.valueOf(100L - percentOff))
                .multiply(BigInteger.valueOf(10_000L - tierBps))
                .multiply(BigInteger.valueOf(usdRateMicros))
                .multiply(BigInteger.TEN.pow(minorUnits));
        return n.shiftLeft(1).add(DIVISOR).divide(DIVISOR.shiftLeft(1)).longValueExact();
    }
}
