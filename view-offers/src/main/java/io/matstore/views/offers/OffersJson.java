package io.matstore.views.offers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.matstore.precompute.InvalidEventException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON-lines form of offers events (docs/views/offers.md): one object per line, the spec's field names plus
 * {@code "type"}. Parsing checks the JSON shape (required fields, types, no unknown or repeated fields) and then runs
 * the very decoder the job uses on the encoded event, so the publish tool and the job reject the same things.
 */
public final class OffersJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Map<String, Set<String>> FIELDS = Map.of(
            "ProductUpserted", Set.of("sku", "title", "category", "base_price_usd_cents"),
            "ProductDeleted", Set.of("sku"),
            "StockChanged", Set.of("sku", "region", "quantity"),
            "PromotionUpserted", Set.of("promo_id", "category", "region", "percent_off"),
            "PromotionEnded", Set.of("promo_id"),
            "FxRateChanged", Set.of("currency", "usd_rate_micros", "minor_units"));

    private OffersJson() {}

    /** @throws InvalidEventException whose message names the offending field */
    public static OffersEvent parse(String line) throws InvalidEventException {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidEventException("not a JSON object");
        }
        String type = string(node, "type");
        Set<String> allowed = FIELDS.get(type);
        if (allowed == null) {
            throw new InvalidEventException("field type: unknown event type \"" + type + "\"; known: "
                    + List.copyOf(new java.util.TreeSet<>(FIELDS.keySet())));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("type") && !allowed.contains(name)) {
                throw new InvalidEventException("field " + name + ": not a field of " + type + "; fields are "
                        + List.copyOf(new java.util.TreeSet<>(allowed)));
            }
        }
        OffersEvent event = switch (type) {
            case "ProductUpserted" ->
                new OffersEvent.ProductUpserted(
                        string(node, "sku"),
                        string(node, "title"),
                        string(node, "category"),
                        int64(node, "base_price_usd_cents"));
            case "ProductDeleted" -> new OffersEvent.ProductDeleted(string(node, "sku"));
            case "StockChanged" ->
                new OffersEvent.StockChanged(string(node, "sku"), string(node, "region"), int32(node, "quantity"));
            case "PromotionUpserted" ->
                new OffersEvent.PromotionUpserted(
                        string(node, "promo_id"),
                        string(node, "category"),
                        string(node, "region"),
                        int32(node, "percent_off"));
            case "PromotionEnded" -> new OffersEvent.PromotionEnded(string(node, "promo_id"));
            default ->
                new OffersEvent.FxRateChanged(
                        string(node, "currency"), int64(node, "usd_rate_micros"), int32(node, "minor_units"));
        };
        // Same rules as the job: encode, then decode as the job would.
        return OfferEventDecoder.decode(OffersEventCodec.encode(event).value());
    }

    public static String format(OffersEvent event) {
        ObjectNode o = MAPPER.createObjectNode();
        if (event instanceof OffersEvent.ProductUpserted e) {
            o.put("type", "ProductUpserted")
                    .put("sku", e.sku())
                    .put("title", e.title())
                    .put("category", e.category())
                    .put("base_price_usd_cents", e.basePriceUsdCents());
        } else if (event instanceof OffersEvent.ProductDeleted e) {
            o.put("type", "ProductDeleted").put("sku", e.sku());
        } else if (event instanceof OffersEvent.StockChanged e) {
            o.put("type", "StockChanged")
                    .put("sku", e.sku())
                    .put("region", e.region())
                    .put("quantity", e.quantity());
        } else if (event instanceof OffersEvent.PromotionUpserted e) {
            o.put("type", "PromotionUpserted")
                    .put("promo_id", e.promoId())
                    .put("category", e.category())
                    .put("region", e.region())
                    .put("percent_off", e.percentOff());
        } else if (event instanceof OffersEvent.PromotionEnded e) {
            o.put("type", "PromotionEnded").put("promo_id", e.promoId());
        } else if (event instanceof OffersEvent.FxRateChanged e) {
            o.put("type", "FxRateChanged")
                    .put("currency", e.currency())
                    .put("usd_rate_micros", e.usdRateMicros())
                    .put("minor_units", e.minorUnits());
        } else {
            throw new IllegalArgumentException("unhandled event " + event);
        }
        return o.toString();
    }

    private static String string(JsonNode node, String field) throws InvalidEventException {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new InvalidEventException("field " + field + ": missing");
        }
        if (!v.isTextual()) {
            throw new InvalidEventException("field " + field + ": must be a string, got " + v);
        }
        return v.textValue();
    }

    private static long int64(JsonNode node, String field) throws InvalidEventException {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new InvalidEventException("field " + field + ": missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidEventException("field " + field + ": must be an integer in -2^63..2^63-1, got " + v);
        }
        return v.longValue();
    }

    private static int int32(JsonNode node, String field) throws InvalidEventException {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new InvalidEventException("field " + field + ": missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidEventException("field " + field + ": must be an integer in -2^31..2^31-1, got " + v);
        }
        return v.intValue();
    }
}
