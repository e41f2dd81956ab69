package io.matstore.views.categorydeals;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewLogic;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.views.categorydeals.fb.CategoryDealsResponse;
import io.matstore.views.categorydeals.fb.Deal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds offers events into the view's state and computes the cheapest in-stock offers of a category. Unlike offers,
 * a response depends on many products: a product, stock or promotion event affects every currency and tier of its
 * category in a region (or every region), and an FX change every category and region in that currency.
 */
final class DealsLogic implements ViewLogic<DealsEvent, DealsCombination> {
    private static final BytesSerializer PREFIX = new BytesSerializer();
    private static final Comparator<Entry> ORDER =
            Comparator.comparingLong(Entry::priceMinor).thenComparing(Entry::sku, Prices::compareSkus);

    private final ViewDescriptor descriptor;
    private final List<String> regions;
    private final KeyValueStore<Bytes, byte[]> products;
    private final KeyValueStore<Bytes, byte[]> byCategory;
    private final KeyValueStore<Bytes, byte[]> stock;
    private final KeyValueStore<Bytes, byte[]> promotions;
    private final KeyValueStore<Bytes, byte[]> fx;

    private record Entry(String sku, String title, long priceMinor) {}

    DealsLogic(ViewDescriptor descriptor, List<String> regions, View.StoreLookup stores) {
        this.descriptor = descriptor;
        this.regions = regions;
        this.products = stores.store(CategoryDealsView.PRODUCTS);
        this.byCategory = stores.store(CategoryDealsView.BY_CATEGORY);
        this.stock = stores.store(CategoryDealsView.STOCK);
        this.promotions = stores.store(CategoryDealsView.PROMOTIONS);
        this.fx = stores.store(CategoryDealsView.FX);
    }

    @Override
    public void apply(DealsEvent event, Consumer<? super DealsCombination> affected) {
        if (event instanceof DealsEvent.ProductUpserted e) {
            DealsState.Product before = product(e.sku());
            if (before != null && !before.category().equals(e.category())) {
                byCategory.delete(DealsState.pair(before.category(), e.sku()));
            }
            products.put(
                    DealsState.key(e.sku()),
                    DealsState.product(new DealsState.Product(e.category(), e.title(), e.basePriceUsdCents())));
            byCategory.put(DealsState.pair(e.category(), e.sku()), new byte[0]);
            if (before != null && !before.category().equals(e.category())) {
                everyRegion(before.category(), affected);
            }
            everyRegion(e.category(), affected);
        } else if (event instanceof DealsEvent.ProductDeleted e) {
            DealsState.Product before = product(e.sku());
            if (before != null) {
                products.delete(DealsState.key(e.sku()));
                byCategory.delete(DealsState.pair(before.category(), e.sku()));
                everyRegion(before.category(), affected);
            }
        } else if (event instanceof DealsEvent.StockChanged e) {
            stock.put(DealsState.pair(e.sku(), e.region()), DealsState.quantity(e.quantity()));
            DealsState.Product p = product(e.sku());
            if (p != null) {
                region(p.category(), e.region(), affected);
            }
        } else if (event instanceof DealsEvent.PromotionUpserted e) {
            byte[] before = promotions.get(DealsState.key(e.promoId()));
            promotions.put(
                    DealsState.key(e.promoId()),
                    DealsState.promotion(new DealsState.Promotion(e.category(), e.region(), e.percentOff())));
            if (before != null) {
                DealsState.Promotion old = DealsState.promotion(before);
                region(old.category(), old.region(), affected);
            }
            region(e.category(), e.region(), affected);
        } else if (event instanceof DealsEvent.PromotionEnded e) {
            byte[] before = promotions.get(DealsState.key(e.promoId()));
            if (before != null) {
                promotions.delete(DealsState.key(e.promoId()));
                DealsState.Promotion old = DealsState.promotion(before);
                region(old.category(), old.region(), affected);
            }
        } else if (event instanceof DealsEvent.FxRateChanged e) {
            fx.put(DealsState.key(e.currency()), DealsState.fx(new DealsState.Fx(e.usdRateMicros(), e.minorUnits())));
            for (String category : categories()) {
                for (String region : regions) {
                    affected.accept(new DealsCombination(category, region, e.currency(), Prices.STANDARD));
                    affected.accept(new DealsCombination(category, region, e.currency(), Prices.GOLD));
                }
            }
        }
    }

    @Override
    public byte[] key(DealsCombination c) {
        return KeyCodec.encode(descriptor, c.category(), c.region(), c.currency(), c.tier());
    }

    @Override
    public byte[] compute(DealsCombination c) {
        int tierBps = Prices.tierBps(c.tier());
        DealsState.Fx rate = rate(c.currency());
        // an empty category cannot be asked for (an empty query parameter is a 400), so it has no responses
        if (tierBps < 0
                || rate == null
                || !regions.contains(c.region())
                || c.category().isEmpty()) {
            return null;
        }
        List<String> skus = skusOf(c.category());
        if (skus.isEmpty()) {
            return null; // the category left the parameter space with its last product
        }
        int percentOff = bestPromotion(c.category(), c.region());
        List<Entry> entries = new ArrayList<>();
        for (String sku : skus) {
            if (DealsState.quantity(stock.get(DealsState.pair(sku, c.region()))) <= 0) {
                continue;
            }
            DealsState.Product p = product(sku);
            entries.add(new Entry(
                    sku,
                    p.title(),
                    Prices.priceMinor(p.baseUsdCents(), percentOff, tierBps, rate.usdRateMicros(), rate.minorUnits())));
        }
        entries.sort(ORDER);
        return encode(c, rate.minorUnits(), entries.subList(0, Math.min(CategoryDealsContract.LIMIT, entries.size())));
    }

    private static byte[] encode(DealsCombination c, int minorUnits, List<Entry> entries) {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int[] deals = new int[entries.size()];
        for (int i = 0; i < deals.length; i++) {
            Entry e = entries.get(i);
            deals[i] = Deal.createDeal(b, b.createString(e.sku()), b.createString(e.title()), e.priceMinor());
        }
        int vector = CategoryDealsResponse.createDealsVector(b, deals);
        int root = CategoryDealsResponse.createCategoryDealsResponse(
                b,
                b.createString(c.category()),
                b.createString(c.region()),
                b.createString(c.currency()),
                b.createString(c.tier()),
                minorUnits,
                vector);
        CategoryDealsResponse.finishCategoryDealsResponseBuffer(b, root);
        return b.sizedByteArray();
    }

    private DealsState.Product product(String sku) {
        byte[] v = products.get(DealsState.key(sku));
        return v == null ? null : DealsState.product(v);
    }

    private DealsState.Fx rate(String currency) {
        if (Prices.USD.equals(currency)) {
            return new DealsState.Fx(Prices.USD_RATE_MICROS, Prices.USD_MINOR_UNITS);
        }
        byte[] v = fx.get(DealsState.key(currency));
        return v == null ? null : DealsState.fx(v);
    }

    /** The largest percent_off of the promotions of (category, region); 0 without one. */
    private int bestPromotion(String category, String region) {
        int best = 0;
        try (KeyValueIterator<Bytes, byte[]> it = promotions.all()) {
            while (it.hasNext()) {
                DealsState.Promotion p = DealsState.promotion(it.next().value);
                if (p.category().equals(category) && p.region().equals(region)) {
                    best = Math.max(best, p.percentOff());
                }
            }
        }
        return best;
    }

    private List<String> skusOf(String category) {
        List<String> skus = new ArrayList<>();
        Bytes prefix = DealsState.pair(category, "");
        try (KeyValueIterator<Bytes, byte[]> it = byCategory.prefixScan(prefix, PREFIX)) {
            while (it.hasNext()) {
                skus.add(DealsState.second(it.next().key.get()));
            }
        }
        return skus;
    }

    private TreeSet<String> categories() {
        TreeSet<String> categories = new TreeSet<>();
        try (KeyValueIterator<Bytes, byte[]> it = byCategory.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                categories.add(DealsState.first(kv.key.get()));
            }
        }
        return categories;
    }

    private List<String> currencies() {
        List<String> currencies = new ArrayList<>();
        currencies.add(Prices.USD);
        try (KeyValueIterator<Bytes, byte[]> it = fx.all()) {
            while (it.hasNext()) {
                currencies.add(new String(it.next().key.get(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return currencies;
    }

    private void everyRegion(String category, Consumer<? super DealsCombination> affected) {
        for (String region : regions) {
            region(category, region, affected);
        }
    }

    private void region(String category, String region, Consumer<? super DealsCombination> affected) {
        for (String currency : currencies()) {
            affected.accept(new DealsCombination(category, region, currency, Prices.STANDARD));
            affected.accept(new DealsCombination(category, region, currency, Prices.GOLD));
        }
    }
}
