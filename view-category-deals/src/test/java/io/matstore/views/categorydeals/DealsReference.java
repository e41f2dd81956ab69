package io.matstore.views.categorydeals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent computation of the whole view from the events, written from docs/views/category-deals.md alone:
 * plain maps, no stores, no fan-out, decimal arithmetic for prices. The view's own code is not called.
 */
final class DealsReference {
    record Product(String title, String category, long base) {}

    record Promo(String category, String region, int pct) {}

    record Fx(long rate, int minor) {}

    /** One line of a response, as the test compares them. */
    record Line(String sku, String title, long priceMinor) {}

    /** A response: minor units and its lines. */
    record Response(int minorUnits, List<Line> deals) {}

    private final List<String> regions;
    private final Map<String, Product> products = new HashMap<>();
    private final Map<String, Integer> stock = new HashMap<>();
    private final Map<String, Promo> promos = new HashMap<>();
    private final Map<String, Fx> fx = new TreeMap<>();

    DealsReference(List<String> regions) {
        this.regions = regions;
        fx.put("USD", new Fx(1_000_000L, 2));
    }

    void productUpserted(String sku, String title, String category, long base) {
        products.put(sku, new Product(title, category, base));
    }

    void productDeleted(String sku) {
        products.remove(sku);
    }

    void stockChanged(String sku, String region, int quantity) {
        stock.put(sku + "\u0000" + region, quantity);
    }

    void promotionUpserted(String id, String category, String region, int pct) {
        promos.put(id, new Promo(category, region, pct));
    }

    void promotionEnded(String id) {
        promos.remove(id);
    }

    void fxRateChanged(String currency, long rate, int minor) {
        fx.put(currency, new Fx(rate, minor));
    }

    /** Every response of the view, by its dimension values (category, region, currency, tier). */
    Map<List<String>, Response> expected() {
        Map<List<String>, Response> all = new HashMap<>();
        for (String category : products.values().stream()
                .map(Product::category)
                .filter(c -> !c.isEmpty())
                .distinct()
                .toList()) {
            for (String region : regions) {
                int pct = promos.values().stream()
                        .filter(p -> p.category().equals(category) && p.region().equals(region))
                        .mapToInt(Promo::pct)
                        .max()
                        .orElse(0);
                for (Map.Entry<String, Fx> currency : fx.entrySet()) {
                    for (String tier : List.of("standard", "gold")) {
                        int bps = tier.equals("gold") ? 500 : 0;
                        List<Line> lines = new ArrayList<>();
                        products.forEach((sku, p) -> {
                            if (p.category().equals(category) && stock.getOrDefault(sku + "\u0000" + region, 0) > 0) {
                                lines.add(new Line(sku, p.title(), price(p.base(), pct, bps, currency.getValue())));
                            }
                        });
                        lines.sort((a, b) -> a.priceMinor() != b.priceMinor()
                                ? Long.compare(a.priceMinor(), b.priceMinor())
                                : Arrays.compareUnsigned(
                                        a.sku().getBytes(StandardCharsets.UTF_8),
                                        b.sku().getBytes(StandardCharsets.UTF_8)));
                        all.put(
                                List.of(category, region, currency.getKey(), tier),
                                new Response(
                                        currency.getValue().minor(),
                                        List.copyOf(lines.subList(0, Math.min(10, lines.size())))));
                    }
                }
            }
        }
        return all;
    }

    private static long price(long base, int pct, int bps, Fx fx) {
        BigDecimal usd = BigDecimal.valueOf(base)
                .movePointLeft(2) // dollars
                .multiply(BigDecimal.valueOf(100 - pct))
                .movePointLeft(2)
                .multiply(BigDecimal.valueOf(10_000 - bps))
                .movePointLeft(4);
        BigDecimal inCurrency = usd.multiply(BigDecimal.valueOf(fx.rate())).movePointLeft(6);
        return inCurrency
                .movePointRight(fx.minor())
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
    }
}
