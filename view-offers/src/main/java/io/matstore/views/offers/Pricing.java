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
 * n is computed as a 128-bit product of two longs ({@link Math#multiplyHigh}): the base price times the small
 * factors (≤ 10^9, checked for overflow), times the rate. When n fits 62 bits the rounding is one long division;
 * otherwise {@code (2n + d) / 2d} is a 128-by-64-bit division done in 15-bit digits (2d < 2^48, so each partial
 * remainder shifted by a digit stays below 2^63). BigInteger remains only for a base price above ~9 × 10^9 cents,
 * where even the first product overflows, and for operands outside the spec's ranges.
 *
 * <p>Why not BigInteger always: an FX fan-out prices every combination. In EUR without discount n passes 62 bits
 * above ~50,000 cents, so most of a catalogue of realistic prices took the BigInteger path, and its multiply and
 * Knuth division were 5–8 % of the stream thread during fan-outs (docs/benchmarks.md, "Precompute").
 */
public final class Pricing {
    private static final long D_LONG = 100L * 10_000L * 1_000_000L * 100L;
    private static final BigInteger D = BigInteger.valueOf(D_LONG);
    private static final BigInteger TWO_D = D.shiftLeft(1);
    private static final long TWO_D_LONG = 2 * D_LONG;
    /** Largest n for which 2n + d still fits a signed long. */
    private static final long MAX_LONG_N = (Long.MAX_VALUE - D_LONG) / 2;

    private static final int DIGIT_BITS = 15;

    private static final long[] POW10 = {1, 10, 100, 1000};

    private Pricing() {}

    /**
     * @throws ArithmeticException when the price does not fit a signed 64-bit {@code price_minor}
     */
    public static long priceMinor(
            long basePriceUsdCents, int percentOff, int tierBps, long usdRateMicros, int minorUnits) {
        long factors = (100L - percentOff) * (10_000L - tierBps);
        long scaled = product(product(basePriceUsdCents, factors), POW10[minorUnits]);
        if (scaled < 0 || usdRateMicros < 0) {
            return exact(basePriceUsdCents, factors, usdRateMicros, minorUnits);
        }
        // Both operands are below 2^63, so n < 2^126: high < 2^62 and the low word is n's low 64 bits, unsigned.
        long high = Math.multiplyHigh(scaled, usdRateMicros);
        long low = scaled * usdRateMicros;
        if (high == 0 && low >= 0 && low <= MAX_LONG_N) {
            return (2 * low + D_LONG) / TWO_D_LONG;
        }
        return roundedQuotient(high, low);
    }

    /** (2n + d) / 2d for n = high·2^64 + low (low unsigned, 0 ≤ high < 2^62). */
    private static long roundedQuotient(long high, long low) {
        long numeratorHigh = (high << 1) | (low >>> 63);
        long doubledLow = low << 1;
        long numeratorLow = doubledLow + D_LONG;
        if (Long.compareUnsigned(numeratorLow, doubledLow) < 0) {
            numeratorHigh++;
        }
        if (numeratorHigh >= TWO_D_LONG) {
            throw new ArithmeticException("price_minor exceeds 64 bits");
        }
        // Schoolbook division of the low word, the high word being the first partial remainder: 4 bits, then 4
        // digits of 15. The quotient is below 2^64 (checked above), so its digits accumulate without loss.
        long remainder = numeratorHigh;
        long quotient = 0;
        int bits = 64 - 4 * DIGIT_BITS;
        for (int shift = 64 - bits; shift >= 0; shift -= DIGIT_BITS) {
            long digit = (numeratorLow >>> shift) & ((1L << bits) - 1);
            remainder = (remainder << bits) | digit;
            quotient = (quotient << bits) | (remainder / TWO_D_LONG);
            remainder %= TWO_D_LONG;
            bits = DIGIT_BITS;
        }
        if (quotient < 0) {
            throw new ArithmeticException("price_minor exceeds 64 bits");
        }
        return quotient;
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
