package io.matstore.views.offers;

import java.math.BigInteger;

/**
 * The price formula of shared/views/offers.md, in exact integer arithmetic:
 *
 * <pre>
 *   n = base_price_usd_cents × (100 − percent_off) × (10000 − tier_bps) × usd_rate_micros × 10^minor_units
 *   d = 100 × 10000 × 1 000 000 × 100
 *   price_minor = (2n + d) / (2d)          (round half up, n ≥ 0)
 * </pre>
 *
 * n exceeds 64 bits for ordinary inputs (1299 × 90 × 9500 × 920000 × 100 ≈ 10^17 · 10^3), so BigInteger.
 */
public final class Pricing {
    private static final BigInteger D = BigInteger.valueOf(100L * 10_000L * 1_000_000L * 100L);
    private static final BigInteger TWO_D = D.shiftLeft(1);
    private static final long[] POW10 = {1, 10, 100, 1000};

    private Pricing() {
    }

    /**
     * @throws ArithmeticException when the price does not fit a signed 64-bit {@code price_minor}
     */
    public static long priceMinor(long basePriceUsdCents, int percentOff, int tierBps, long usdRateMicros,
                                  int minorUnits) {
        BigInteger n = BigInteger.valueOf(basePriceUsdCents)
                .multiply(BigInteger.valueOf((100L - percentOff) * (10_000L - tierBps)))
                .multiply(BigInteger.valueOf(usdRateMicros))
                .multiply(BigInteger.valueOf(POW10[minorUnits]));
        return n.shiftLeft(1).add(D).divide(TWO_D).longValueExact();
    }
}
