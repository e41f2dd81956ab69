package io.matstore.views.offers;

import io.matstore.precompute.DemoSource;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A seeded stream of plausible offers events for the local stack, benchmarks and tests: first a catalogue
 * ({@link #catalogue}), then a steady mix ({@link #next}) of stock changes, price changes, deletions and
 * re-creations, promotions that start, move and end, and FX changes, including currencies that are new to the
 * space. Same seed and settings, same events. Every event it makes is valid.
 */
public final class DemoEventGenerator implements DemoSource<OffersEvent> {
    /** Starting currencies and rates; the last two appear only during the steady stream. */
    private static final String[] CURRENCIES = {"EUR", "GBP", "JPY", "CHF", "KWD"};

    private static final long[] RATES = {920_000L, 790_000L, 150_000_000L, 880_000L, 307_000L};
    private static final int[] MINOR_UNITS = {2, 2, 0, 2, 3};
    private static final int INITIAL_CURRENCIES = 3;
    private static final int CATEGORIES = 20;
    private static final int PROMOTIONS = 40;

    private final int products;
    private final List<String> regions;
    private final SplittableRandom random;
    private final Mix mix;

    /**
     * Shares of the expensive events in the steady stream, in 1/1000. An FX change re-prices every product in one
     * currency; a promotion change re-prices one category in one region. The rest is stock changes (75 %), product
     * upserts (21 %) and deletions (4 %).
     */
    public record Mix(int fxPerMille, int promotionPerMille) {
        public Mix {
            if (fxPerMille < 0 || promotionPerMille < 0 || fxPerMille + promotionPerMille > 1000) {
                throw new IllegalArgumentException("fxPerMille=" + fxPerMille + " and promotionPerMille="
                        + promotionPerMille + " must be >= 0 with a sum <= 1000");
            }
        }
    }

    public DemoEventGenerator(int products, List<String> regions, long seed, Mix mix) {
        if (products < 1) {
            throw new IllegalArgumentException("products=" + products + " < 1");
        }
        this.products = products;
        this.regions = List.copyOf(regions);
        this.random = new SplittableRandom(seed);
        this.mix = mix;
    }

    public static String sku(int i) {
        return String.format("SKU-%06d", i);
    }

    /** Every product once, stock in about half of the (product, region) pairs, the first currencies' rates. */
    @Override
    public void catalogue(Consumer<OffersEvent> out) {
        for (int i = 0; i < INITIAL_CURRENCIES; i++) {
            out.accept(new OffersEvent.FxRateChanged(CURRENCIES[i], RATES[i], MINOR_UNITS[i]));
        }
        for (int i = 0; i < products; i++) {
            out.accept(product(i));
            for (String region : regions) {
                if (random.nextBoolean()) {
                    out.accept(new OffersEvent.StockChanged(sku(i), region, random.nextInt(100)));
                }
            }
        }
    }

    /** The number of events {@link #catalogue} produces is random; this bounds it for progress displays. */
    public long catalogueUpperBound() {
        return INITIAL_CURRENCIES + (long) products * (1 + regions.size());
    }

    /** One event of the steady mix. */
    @Override
    public OffersEvent next() {
        int r = random.nextInt(1000);
        if (r < mix.fxPerMille()) {
            int c = random.nextInt(CURRENCIES.length);
            long rate = RATES[c] + random.nextLong(-RATES[c] / 50, RATES[c] / 50 + 1);
            return new OffersEvent.FxRateChanged(CURRENCIES[c], rate, MINOR_UNITS[c]);
        }
        if (r < mix.fxPerMille() + mix.promotionPerMille()) {
            String promoId = String.format("PROMO-%03d", random.nextInt(PROMOTIONS));
            return random.nextInt(3) < 2
                    ? new OffersEvent.PromotionUpserted(promoId, category(), region(), random.nextInt(1, 61))
                    : new OffersEvent.PromotionEnded(promoId);
        }
        int p = random.nextInt(100);
        if (p < 75) {
            return new OffersEvent.StockChanged(
                    sku(random.nextInt(products)), region(), random.nextInt(10) == 0 ? 0 : random.nextInt(1, 200));
        } else if (p < 96) {
            return product(random.nextInt(products));
        }
        return new OffersEvent.ProductDeleted(sku(random.nextInt(products)));
    }

    private OffersEvent product(int i) {
        return new OffersEvent.ProductUpserted(sku(i), "Product " + i, category(), random.nextLong(1, 500_000));
    }

    private String category() {
        return String.format("cat-%02d", random.nextInt(CATEGORIES));
    }

    private String region() {
        return regions.get(random.nextInt(regions.size()));
    }
}
