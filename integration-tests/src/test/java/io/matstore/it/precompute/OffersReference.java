package io.matstore.it.precompute;

import com.fasterxml.jackson.databind.JsonNode;
import io.matstore.views.offers.OffersEvent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent, deliberately plain reading of docs/views/offers.md (v1) and docs/views/offers-v2.md (v2): fold
 * the events into maps, then compute every response of the final state with BigInteger. Shares no code with the
 * job's logic or pricing; the job and this must agree key for key.
 */
public final class OffersReference {
    /**
     * The fields of one response, as the spec lists them. {@code listPriceMinor} is v2's field; in v1 it is absent
     * from the bytes and reads as 0, and the reference says 0.
     */
    public record Offer(
            String sku,
            String region,
            String currency,
            String tier,
            String title,
            String category,
            long priceMinor,
            int minorUnits,
            String promoId,
            int percentOff,
            int quantity,
            boolean inStock,
            long listPriceMinor) {
        /** A v1 response as the node's JSON rendering names its fields. */
        public static Offer fromV1Json(JsonNode j) {
            return new Offer(
                    j.get("sku").asText(),
                    j.get("region").asText(),
                    j.get("currency").asText(),
                    j.get("tier").asText(),
                    j.get("title").asText(),
                    j.get("category").asText(),
                    j.get("price_minor").asLong(),
                    j.get("minor_units").asInt(),
                    j.get("promo_id").asText(),
                    j.get("percent_off").asInt(),
                    j.get("quantity").asInt(),
                    j.get("in_stock").asBoolean());
        }

        /** A v1 response (no list price). */
        public Offer(
                String sku,
                String region,
                String currency,
                String tier,
                String title,
                String category,
                long priceMinor,
                int minorUnits,
                String promoId,
                int percentOff,
                int quantity,
                boolean inStock) {
            this(
                    sku,
                    region,
                    currency,
                    tier,
                    title,
                    category,
                    priceMinor,
                    minorUnits,
                    promoId,
                    percentOff,
                    quantity,
                    inStock,
                    0L);
        }
    }

    private record Product(String title, String category, long cents) {}

    private record Promo(String category, String region, int percent) {}

    private record Rate(long micros, int minorUnits) {}

    private final List<String> regions;
    private final int version;
    private final Map<String, Product> products = new HashMap<>();
    private final Map<List<String>, Integer> stock = new HashMap<>();
    private final Map<String, Promo> promos = new HashMap<>();
    private final Map<String, Rate> rates = new TreeMap<>();

    /** @param version 1 or 2 */
    public OffersReference(List<String> regions, int version) {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("the reference knows offers v1 and v2, not v" + version);
        }
        this.regions = regions;
        this.version = version;
        rates.put("USD", new Rate(1_000_000L, 2));
    }

    /** Version 1. */
    public OffersReference(List<String> regions) {
        this(regions, 1);
    }

    public void apply(OffersEvent event) {
        if (event instanceof OffersEvent.ProductUpserted e) {
            products.put(e.sku(), new Product(e.title(), e.category(), e.basePriceUsdCents()));
        } else if (event instanceof OffersEvent.ProductDeleted e) {
            products.remove(e.sku());
        } else if (event instanceof OffersEvent.StockChanged e) {
            stock.put(List.of(e.sku(), e.region()), e.quantity());
        } else if (event instanceof OffersEvent.PromotionUpserted e) {
            promos.put(e.promoId(), new Promo(e.category(), e.region(), e.percentOff()));
        } else if (event instanceof OffersEvent.PromotionEnded e) {
            promos.remove(e.promoId());
        } else if (event instanceof OffersEvent.FxRateChanged e) {
            rates.put(e.currency(), new Rate(e.usdRateMicros(), e.minorUnits()));
        }
    }

    /** Every response of the final state, by (sku, region, currency, tier). */
    public Map<List<String>, Offer> responses() {
        Map<List<String>, Offer> out = new HashMap<>();
        for (Map.Entry<String, Product> p : products.entrySet()) {
            for (String region : regions) {
                String promoId = "";
                int percent = 0;
                for (Map.Entry<String, Promo> promo : promos.entrySet()) {
                    Promo v = promo.getValue();
                    if (!v.category().equals(p.getValue().category())
                            || !v.region().equals(region)) {
                        continue;
                    }
                    if (v.percent() > percent
                            || (v.percent() == percent
                                    && Arrays.compareUnsigned(
                                                    promo.getKey().getBytes(StandardCharsets.UTF_8),
                                                    promoId.getBytes(StandardCharsets.UTF_8))
                                            < 0)) {
                        promoId = promo.getKey();
                        percent = v.percent();
                    }
                }
                int quantity = stock.getOrDefault(List.of(p.getKey(), region), 0);
                for (Map.Entry<String, Rate> rate : rates.entrySet()) {
                    for (String tier : List.of("standard", "gold")) {
                        int bps = tier.equals("gold") ? 500 : 0;
                        Rate r = rate.getValue();
                        long price = price(p.getValue().cents(), percent, bps, r);
                        long listPrice = version >= 2 ? price(p.getValue().cents(), 0, 0, r) : 0L;
                        out.put(
                                List.of(p.getKey(), region, rate.getKey(), tier),
                                new Offer(
                                        p.getKey(),
                                        region,
                                        rate.getKey(),
                                        tier,
                                        p.getValue().title(),
                                        p.getValue().category(),
                                        price,
                                        r.minorUnits(),
                                        promoId,
                                        percent,
                                        quantity,
                                        quantity > 0,
                                        listPrice));
                    }
                }
            }
        }
        return out;
    }

    /** The spec's formula, round half up as (2n + d) / 2d. */
    private static long price(long cents, int percentOff, int bps, Rate rate) {
        BigInteger n = BigInteger.valueOf(cents)
                .multiply(BigInteger.valueOf(100 - percentOff))
                .multiply(BigInteger.valueOf(10_000 - bps))
                .multiply(BigInteger.valueOf(rate.micros()))
                .multiply(BigInteger.TEN.pow(rate.minorUnits()));
        BigInteger d = new BigInteger("100")
                .multiply(new BigInteger("10000"))
                .multiply(new BigInteger("1000000"))
                .multiply(new BigInteger("100"));
        return n.multiply(BigInteger.TWO)
                .add(d)
                .divide(d.multiply(BigInteger.TWO))
                .longValueExact();
    }
}
