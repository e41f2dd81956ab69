package io.matstore.it.faults;

import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded offers stream of the fault run: the demo catalogue and steady mix (products, stock, promotions, FX
 * changes, deletions), a probe product the run's markers move, and bad events mixed in: a title over the string
 * limit, a negative quantity, an FX rate 100 times the last one (held), bytes that are no event at all.
 */
final class FaultRunStream {
    /** Never deleted by the mix: its stock in {@link #PROBE_REGION} carries the markers that time each recovery. */
    static final String PROBE_SKU = "SKU-PROBE";

    /** One record to publish: an event, or undecodable bytes under a key ({@code event} null). */
    record Item(OffersEvent event, byte[] garbageKey, byte[] garbageValue) {
        static Item of(OffersEvent e) {
            return new Item(e, null, null);
        }
    }

    final String probeRegion;
    private final DemoEventGenerator generator;
    private final SplittableRandom random;
    private final int products;

    FaultRunStream(long seed, int products, List<String> regions) {
        // Few FX and promotion changes: each re-prices hundreds of keys, and at the demo's shares the view topic
        // took ~6,000 records/s, more than five JVMs on two cores ingest while they also restart (seen: 1.6 M
        // records in the view of 8,000 keys, a rebuilt node never catching up).
        this.generator = new DemoEventGenerator(products, regions, seed, new DemoEventGenerator.Mix(2, 30));
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.products = products;
        this.probeRegion = regions.get(0);
    }

    /** The catalogue and the probe product. */
    List<Item> start() {
        List<Item> items = new ArrayList<>();
        generator.catalogue(e -> items.add(Item.of(e)));
        items.add(Item.of(new OffersEvent.ProductUpserted(PROBE_SKU, "Probe", "cat-probe", 10_000)));
        items.add(Item.of(marker(0)));
        return items;
    }

    /** One event of the steady stream, about 2 % of them bad. */
    Item next() {
        int r = random.nextInt(1000);
        if (r >= 20) {
            return Item.of(generator.next());
        }
        String sku = DemoEventGenerator.sku(random.nextInt(products));
        return switch (r % 4) {
            case 0 -> Item.of(new OffersEvent.ProductUpserted(sku, "x".repeat(64 * 1024), "cat-01", 100));
            case 1 -> Item.of(new OffersEvent.StockChanged(sku, probeRegion, -1 - random.nextInt(100)));
            case 2 -> Item.of(new OffersEvent.FxRateChanged("EUR", 92_000_000L, 2));
            default ->
                new Item(
                        null,
                        sku.getBytes(StandardCharsets.UTF_8),
                        "not an offers event".getBytes(StandardCharsets.UTF_8));
        };
    }

    /** The probe's stock set to a value no other event sets: seen on every node, events flow end to end again. */
    OffersEvent marker(int n) {
        return new OffersEvent.StockChanged(PROBE_SKU, probeRegion, 1_000_000 + n);
    }
}
