package io.matstore.views.offers;

import java.math.BigInteger;

/**
 * The price formula of docs/views/offers.md, in exact integer arithmetic:
 *
 * <pre>
 *   n = base_price_usd_cents × (100 − percent_off) × (10000 − tier_bps) × usd_rate_micros × 10^minor_units
 *   d = 100 × 10000 × 1 000 000 × 100
 *   price_minor = (2n + d) / (2d)          (round half up, n ≥ 0)
 * </pre>
 *
 * n is computed in a long with every product checked for overflow, and the formula falls back to BigInteger only
 * when n exceeds 62 bits. That covers small and mid prices (1299 × 90 × 9500 × 920000 × 100 ≈ 10^17), but not all:
 * in EUR (920000 micros, 2 minor units) without discount n passes 62 bits above ~50,000 cents, in JPY (0 minor
 * units) above ~30,000 cents, which then take the BigInteger path (measured: 4.8 % of the stream thread in
 * FxFanOutChunkRun, prices up to 500,000 cents). Why not BigInteger always: an FX fan-out prices every combination,
 * and the JFR profile of one showed BigInteger's multiply and Knuth division at ~8 % of the stream thread
 * (docs/benchmarks.md, "Precompute"). A 128-bit division would remove the fallback; not done.
 */
public final class Pricing {
    private static final long D_LONG = 100L * 10_000L * 1_000_000L * 100L;
    private static final BigInteger D = BigInteger.valueOf(D_LONG);
    private static final BigInteger TWO_D = D.shiftLeft(1);
    private static final long TWO_D_LONG = 2 * D_LONG;
    /** Largest n for which 2n + d still fits a signed long. */
    private static final long MAX_LONG_N = (Long.MAX_VALUE - D_LONG) / 2;

    private static final long[] POW10 = {1, 10, 100, 1000};

    private Pricing() {}

    /**
     * @throws ArithmeticException when the price does not fit a signed 64-bit {@code price_minor}
     */
    public static long priceMinor(
            long basePriceUsdCents, int percentOff, int tierBps, long usdRateMicros, int minorUnits) {
        long factors = (100L - percentOff) * (10_000L - tierBps);
        long n = product(product(product(basePriceUsdCents, factors), usdRateMicros), POW10[minorUnits]);
        if (n >= 0 && n <= MAX_LONG_N) {
            return (2 * n + D_LONG) / TWO_D_LONG;
        }
        return exact(basePriceUsdCents, factors, usdRateMicros, minorUnits);
    }

    /**
     * a × b for non-negative operands, or -1 when either is negative (signs are left to BigInteger) or the product
     * overflows; -1 then propagates through the next product.
     */
    private static long product(long a, long b) {
        if (a < 0 || b < 0 || Math.multiplyHigh(a, b) != 0) {
            return -1;
        }
        long p = a * b;
        return p < 0 ? -1 : p;
    }

    private static long exact(long basePriceUsdCents, long factors, long usdRateMicros, int minorUnits) {
        BigInteger n = BigInteger.valueOf(basePriceUsdCents)
                .multiply(BigInteger.valueOf(factors))
                .multiply(BigInteger.valueOf(usdRateMicros))
                .multiply(BigInteger.valueOf(POW10[minorUnits]));
        return n.shiftLeft(1).add(D).divide(TWO_D).longValueExact();
    }
}
