package io.matstore.views.offers;

import io.matstore.precompute.View;
import io.matstore.precompute.ViewLogic;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offers view in one task: its state is the task's products and stock (its partition's skus) and a full copy of
 * promotions and FX rates (dimensions reach every partition). Fan-outs iterate the task's own stores: an FX change
 * walks the local products, a promotion change walks the local products of one category through the
 * category index; nothing is loaded into memory per event.
 *
 * <p>In memory it keeps only derived, small things: the FX rates (one entry per currency, rebuilt from the store at
 * init) and the best promotion per (category, region), dropped when a promotion of that scope changes.
 *
 * <p>Versions share state and fan-out; they differ in {@link #compute} only: v2 adds {@code list_price_minor}, the
 * price with percent_off 0 and tier_bps 0 (docs/views/offers-v2.md). A field that only v2 has never changes which
 * combinations are affected, because every event that moves it (product, FX) already re-emits them in v1.
 */
final class OffersLogic implements ViewLogic<OffersEvent, OfferCombination> {
    private static final Logger LOG = LoggerFactory.getLogger(OffersLogic.class);
    private static final StoreCodec.Fx USD = new StoreCodec.Fx(OffersView.USD, 1_000_000L, 2);
    private static final StoreCodec.Promotion NO_PROMOTION = new StoreCodec.Promotion("", "", "", 0);
    private static final List<String> TIERS = List.of(OffersContract.TIER_STANDARD, OffersContract.TIER_GOLD);
    private static final BytesSerializer PREFIX = new BytesSerializer();

    private final ViewDescriptor descriptor;
    private final boolean listPrice;
    private final List<String> regions;
    private final Set<String> regionSet;
    private final KeyValueStore<Bytes, byte[]> products;
    private final KeyValueStore<Bytes, byte[]> productsByCategory;
    private final KeyValueStore<Bytes, byte[]> stock;
    private final KeyValueStore<Bytes, byte[]> promotions;
    private final KeyValueStore<Bytes, byte[]> promotionsByScope;
    private final KeyValueStore<Bytes, byte[]> fxStore;
    private final KeyValueStore<Bytes, byte[]> fxFanOuts;
    private final int fanOutChunk;
    private boolean pendingFanOut;
    private int eventsDoneByLastApply;
    private int reportedInChunk;
    private final Map<String, StoreCodec.Fx> fx = new TreeMap<>();
    private final Map<List<String>, StoreCodec.Promotion> bestPromotion = new HashMap<>();
    private final OfferResponseWriter responses;
    // One-entry memos of the last stock and promotion lookups: a fan-out asks for the same (sku, region) for every
    // currency and tier in a row, and for the same (category, region) across a product's combinations. Cleared at
    // the start of every event, before it changes any state, so they never outlive what they were read from.
    private String memoStockSku;
    private String memoStockRegion;
    private int memoQuantity;
    private String memoPromotionCategory;
    private String memoPromotionRegion;
    private StoreCodec.Promotion memoPromotion;

    /** @param fanOutChunk combinations per transaction of an FX fan-out (0: no limit), see FxFanOut in the docs */
    OffersLogic(ViewDescriptor descriptor, List<String> regions, View.StoreLookup stores, int fanOutChunk) {
        this.descriptor = descriptor;
        this.listPrice = descriptor.version() >= 2;
        this.responses = new OfferResponseWriter(descriptor);
        this.regions = regions;
        this.regionSet = new HashSet<>(regions);
        this.products = stores.store(OffersView.PRODUCTS);
        this.productsByCategory = stores.store(OffersView.PRODUCTS_BY_CATEGORY);
        this.stock = stores.store(OffersView.STOCK);
        this.promotions = stores.store(OffersView.PROMOTIONS);
        this.promotionsByScope = stores.store(OffersView.PROMOTIONS_BY_SCOPE);
        this.fxStore = stores.store(OffersView.FX);
        this.fxFanOuts = stores.store(OffersView.FX_FANOUTS);
        this.fanOutChunk = fanOutChunk;
        try (KeyValueIterator<Bytes, byte[]> it = fxFanOuts.all()) {
            pendingFanOut = it.hasNext(); // a fan-out a crash or rebalance cut short resumes here
        }
        fx.put(USD.currency(), USD);
        try (KeyValueIterator<Bytes, byte[]> it = fxStore.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                String currency = StoreCodec.parts(e.key, 1)[0];
                fx.put(currency, StoreCodec.fx(currency, e.value));
            }
        }
    }

    @Override
    public void apply(OffersEvent event, Consumer<? super OfferCombination> affected) {
        apply(event, 0L, affected);
    }

    @Override
    public void apply(OffersEvent event, long eventTimestamp, Consumer<? super OfferCombination> affected) {
        eventsDoneByLastApply = 1;
        memoStockSku = null;
        memoPromotionCategory = null;
        if (event instanceof OffersEvent.ProductUpserted e) {
            onProductUpserted(e, affected);
        } else if (event instanceof OffersEvent.ProductDeleted e) {
            onProductDeleted(e, affected);
        } else if (event instanceof OffersEvent.StockChanged e) {
            onStockChanged(e, affected);
        } else if (event instanceof OffersEvent.PromotionUpserted e) {
            onPromotionUpserted(e, affected);
        } else if (event instanceof OffersEvent.PromotionEnded e) {
            onPromotionEnded(e, affected);
        } else if (event instanceof OffersEvent.FxRateChanged e) {
            onFxRateChanged(e, eventTimestamp, affected);
        } else {
            throw new IllegalArgumentException("unhandled event " + event);
        }
    }

    private void onProductUpserted(OffersEvent.ProductUpserted e, Consumer<? super OfferCombination> affected) {
        Bytes key = StoreCodec.key(e.sku());
        byte[] previous = products.get(key);
        if (previous != null) {
            String oldCategory = StoreCodec.product(e.sku(), previous).category();
            if (!oldCategory.equals(e.category())) {
                productsByCategory.delete(StoreCodec.key(oldCategory, e.sku()));
            }
        }
        StoreCodec.Product product = new StoreCodec.Product(e.sku(), e.title(), e.category(), e.basePriceUsdCents());
        products.put(key, StoreCodec.product(product));
        productsByCategory.put(StoreCodec.key(e.category(), e.sku()), new byte[] {1});
        for (String region : regions) {
            reportCurrenciesAndTiers(e.sku(), product, region, affected);
        }
    }

    private void onProductDeleted(OffersEvent.ProductDeleted e, Consumer<? super OfferCombination> affected) {
        Bytes key = StoreCodec.key(e.sku());
        byte[] previous = products.get(key);
        if (previous == null) {
            return; // nothing was emitted for it, or its tombstones already were
        }
        products.delete(key);
        productsByCategory.delete(
                StoreCodec.key(StoreCodec.product(e.sku(), previous).category(), e.sku()));
        // Stock is deliberately kept: a re-created product shows it again.
        for (String region : regions) {
            reportCurrenciesAndTiers(e.sku(), null, region, affected);
        }
    }

    private void onStockChanged(OffersEvent.StockChanged e, Consumer<? super OfferCombination> affected) {
        stock.put(StoreCodec.key(e.sku(), e.region()), StoreCodec.int32(e.quantity()));
        if (!regionSet.contains(e.region())) {
            return;
        }
        byte[] product = products.get(StoreCodec.key(e.sku()));
        if (product != null) { // stock before its product is kept and applies when the product arrives
            reportCurrenciesAndTiers(e.sku(), StoreCodec.product(e.sku(), product), e.region(), affected);
        }
    }

    private void onPromotionUpserted(OffersEvent.PromotionUpserted e, Consumer<? super OfferCombination> affected) {
        Bytes key = StoreCodec.key(e.promoId());
        byte[] previousBytes = promotions.get(key);
        StoreCodec.Promotion previous = previousBytes == null ? null : StoreCodec.promotion(e.promoId(), previousBytes);
        if (previous != null) {
            promotionsByScope.delete(StoreCodec.key(previous.category(), previous.region(), e.promoId()));
            bestPromotion.remove(List.of(previous.category(), previous.region()));
        }
        StoreCodec.Promotion promotion =
                new StoreCodec.Promotion(e.promoId(), e.category(), e.region(), e.percentOff());
        promotions.put(key, StoreCodec.promotion(promotion));
        promotionsByScope.put(StoreCodec.key(e.category(), e.region(), e.promoId()), StoreCodec.int32(e.percentOff()));
        bestPromotion.remove(List.of(e.category(), e.region()));

        reportScope(e.category(), e.region(), affected);
        if (previous != null
                && !(previous.category().equals(e.category())
                        && previous.region().equals(e.region()))) {
            reportScope(previous.category(), previous.region(), affected); // moved: its old scope loses it
        }
    }

    private void onPromotionEnded(OffersEvent.PromotionEnded e, Consumer<? super OfferCombination> affected) {
        Bytes key = StoreCodec.key(e.promoId());
        byte[] previousBytes = promotions.get(key);
        if (previousBytes == null) {
            return;
        }
        StoreCodec.Promotion previous = StoreCodec.promotion(e.promoId(), previousBytes);
        promotions.delete(key);
        promotionsByScope.delete(StoreCodec.key(previous.category(), previous.region(), e.promoId()));
        bestPromotion.remove(List.of(previous.category(), previous.region()));
        reportScope(previous.category(), previous.region(), affected);
    }

    /**
     * Re-prices the local products in {@code currency}, in product-key order, at most {@code fanOutChunk}
     * combinations now; what is left waits in {@code offers-fx-fanouts} as a cursor (the last sku done) for
     * {@link #resume}. A cursor of the same currency is replaced: the new walk starts over and reads the newest
     * rate, so it covers the older event too. Combinations are always computed from current state, so a product
     * upserted behind the cursor was already priced at the new rate by its own event.
     */
    private void onFxRateChanged(
            OffersEvent.FxRateChanged e, long eventTimestamp, Consumer<? super OfferCombination> affected) {
        StoreCodec.Fx rate = new StoreCodec.Fx(e.currency(), e.usdRateMicros(), e.minorUnits());
        Bytes currencyKey = StoreCodec.key(e.currency());
        fxStore.put(currencyKey, StoreCodec.fx(rate));
        fx.put(e.currency(), rate); // the first rate of a currency adds it to the space
        boolean supersedes = fxFanOuts.get(currencyKey) != null;
        reportedInChunk = 0;
        Bytes last = walkProducts(e.currency(), null, affected);
        if (last == null) {
            if (supersedes) {
                fxFanOuts.delete(currencyKey);
            }
            eventsDoneByLastApply = supersedes ? 2 : 1;
        } else {
            fxFanOuts.put(currencyKey, StoreCodec.fanOutCursor(eventTimestamp, last));
            pendingFanOut = true;
            eventsDoneByLastApply = supersedes ? 1 : 0;
        }
    }

    /**
     * Reports every combination in {@code currency} of the products after {@code after} (from the first when null)
     * until the chunk is full.
     *
     * @return the key of the last product reported when products remain, or null when the walk reached the end
     */
    private Bytes walkProducts(String currency, Bytes after, Consumer<? super OfferCombination> affected) {
        try (KeyValueIterator<Bytes, byte[]> it = after == null ? products.all() : products.range(after, null)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                if (after != null && entry.key.equals(after)) {
                    continue;
                }
                String sku = StoreCodec.parts(entry.key, 1)[0];
                StoreCodec.Product product = StoreCodec.product(sku, entry.value);
                for (String region : regions) {
                    for (String tier : TIERS) {
                        affected.accept(new OfferCombination(sku, product, region, currency, tier));
                    }
                }
                reportedInChunk += regions.size() * TIERS.size();
                if (fanOutChunk > 0 && reportedInChunk >= fanOutChunk && it.hasNext()) {
                    return entry.key;
                }
            }
        }
        return null;
    }

    /** Every local product in every region, tier and currency: RocksDB's estimate of the products times the rest. */
    @Override
    public long approximateKeys() {
        long perProduct = (long) regions.size() * TIERS.size() * fx.size();
        long estimate = products.approximateNumEntries();
        return perProduct == 0 ? 0 : estimate > Long.MAX_VALUE / perProduct ? Long.MAX_VALUE : estimate * perProduct;
    }

    @Override
    public boolean hasPendingFanOut() {
        return pendingFanOut;
    }

    @Override
    public int eventsDoneByLastApply() {
        return eventsDoneByLastApply;
    }

    @Override
    public int resume(Resumed<? super OfferCombination> sink) {
        memoStockSku = null;
        memoPromotionCategory = null;
        List<KeyValue<Bytes, byte[]>> cursors = new ArrayList<>(); // one per currency at most: few
        try (KeyValueIterator<Bytes, byte[]> it = fxFanOuts.all()) {
            it.forEachRemaining(cursors::add);
        }
        reportedInChunk = 0;
        int done = 0;
        for (KeyValue<Bytes, byte[]> cursor : cursors) {
            if (fanOutChunk > 0 && reportedInChunk >= fanOutChunk) {
                break;
            }
            String currency = StoreCodec.parts(cursor.key, 1)[0];
            long eventTimestamp = StoreCodec.fanOutTimestamp(cursor.value);
            sink.startEvent(eventTimestamp);
            Bytes last = walkProducts(currency, StoreCodec.fanOutLast(cursor.value), sink);
            if (last == null) {
                fxFanOuts.delete(cursor.key);
                done++;
            } else {
                fxFanOuts.put(cursor.key, StoreCodec.fanOutCursor(eventTimestamp, last));
            }
        }
        try (KeyValueIterator<Bytes, byte[]> it = fxFanOuts.all()) {
            pendingFanOut = it.hasNext();
        }
        return done;
    }

    /** Every combination of the local products of {@code category} in {@code region}. */
    private void reportScope(String category, String region, Consumer<? super OfferCombination> affected) {
        if (!regionSet.contains(region)) {
            return;
        }
        try (KeyValueIterator<Bytes, byte[]> it = productsByCategory.prefixScan(StoreCodec.key(category), PREFIX)) {
            while (it.hasNext()) {
                String sku = StoreCodec.parts(it.next().key, 2)[1];
                byte[] product = products.get(StoreCodec.key(sku));
                if (product != null) {
                    reportCurrenciesAndTiers(sku, StoreCodec.product(sku, product), region, affected);
                }
            }
        }
    }

    private void reportCurrenciesAndTiers(
            String sku, StoreCodec.Product product, String region, Consumer<? super OfferCombination> affected) {
        for (String currency : fx.keySet()) {
            for (String tier : TIERS) {
                affected.accept(new OfferCombination(sku, product, region, currency, tier));
            }
        }
    }

    @Override
    public byte[] key(OfferCombination c) {
        return KeyCodec.encode(descriptor, c.sku(), c.region(), c.currency(), c.tier());
    }

    @Override
    public byte[] compute(OfferCombination c) {
        StoreCodec.Product product = c.product();
        StoreCodec.Fx rate = fx.get(c.currency());
        if (product == null || rate == null || !regionSet.contains(c.region())) {
            return null;
        }
        StoreCodec.Promotion promotion = memoizedBestPromotion(product.category(), c.region());
        int tierBps = OffersContract.TIER_GOLD.equals(c.tier()) ? 500 : 0;
        int quantity = quantity(c.sku(), c.region());
        long price;
        long listPriceMinor;
        try {
            price = Pricing.priceMinor(
                    product.basePriceUsdCents(),
                    promotion.percentOff(),
                    tierBps,
                    rate.usdRateMicros(),
                    rate.minorUnits());
            // The list price is never below the price, so in v2 it is the one that can overflow first.
            listPriceMinor = listPrice
                    ? Pricing.priceMinor(product.basePriceUsdCents(), 0, 0, rate.usdRateMicros(), rate.minorUnits())
                    : 0L;
        } catch (ArithmeticException overflow) {
            // The spec has no answer for a price beyond 64 bits; leaving the combination out (404) is honest.
            LOG.warn(
                    "offers: price of {} {} {} {} exceeds 64 bits; combination left out",
                    c.sku(),
                    c.region(),
                    c.currency(),
                    c.tier());
            return null;
        }
        return responses.write(
                c.sku(),
                c.region(),
                c.currency(),
                c.tier(),
                product.title(),
                product.category(),
                price,
                rate.minorUnits(),
                promotion.promoId(),
                promotion.percentOff(),
                quantity,
                listPriceMinor);
    }

    private int quantity(String sku, String region) {
        if (!sku.equals(memoStockSku) || !region.equals(memoStockRegion)) {
            byte[] quantityBytes = stock.get(StoreCodec.key(sku, region));
            memoQuantity = quantityBytes == null ? 0 : StoreCodec.int32(quantityBytes);
            memoStockSku = sku;
            memoStockRegion = region;
        }
        return memoQuantity;
    }

    private StoreCodec.Promotion memoizedBestPromotion(String category, String region) {
        if (!category.equals(memoPromotionCategory) || !region.equals(memoPromotionRegion)) {
            memoPromotion = bestPromotion(category, region);
            memoPromotionCategory = category;
            memoPromotionRegion = region;
        }
        return memoPromotion;
    }

    /** Largest percent_off in the scope; ties to the byte-wise smallest promo_id; none gives percent_off 0. */
    private StoreCodec.Promotion bestPromotion(String category, String region) {
        List<String> scope = List.of(category, region);
        StoreCodec.Promotion cached = bestPromotion.get(scope);
        if (cached != null) {
            return cached;
        }
        StoreCodec.Promotion best = NO_PROMOTION;
        byte[] bestId = null;
        try (KeyValueIterator<Bytes, byte[]> it =
                promotionsByScope.prefixScan(StoreCodec.key(category, region), PREFIX)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                String promoId = StoreCodec.parts(e.key, 3)[2];
                int percent = StoreCodec.int32(e.value);
                byte[] id = promoId.getBytes(StandardCharsets.UTF_8);
                if (percent > best.percentOff()
                        || (percent == best.percentOff() && Arrays.compareUnsigned(id, bestId) < 0)) {
                    best = new StoreCodec.Promotion(promoId, category, region, percent);
                    bestId = id;
                }
            }
        }
        bestPromotion.put(scope, best);
        return best;
    }
}
