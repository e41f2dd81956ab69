package io.matstore.views.offers;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewLogic;
import io.matstore.precompute.ViewStores;
import io.matstore.schemas.ViewDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The built-in {@code offers} view (docs/views/offers.md), at any version of {@link OffersContract#VERSIONS}: v1,
 * or v2 which adds {@code list_price_minor} (docs/views/offers-v2.md). Product and stock events are entity events
 * placed by sku; promotion and FX events are dimensions every partition receives. Each version is its own Kafka
 * Streams application (own group, state and view topic), so versions run side by side on the same source topic.
 */
public final class OffersView implements View<OffersEvent, OfferCombination> {
    public static final String USD = "USD";
    public static final String DEFAULT_SOURCE_TOPIC = "offers.events";
    public static final List<String> DEFAULT_REGIONS = List.of("us", "eu", "uk", "jp");

    static final String PRODUCTS = "offers-products";
    static final String PRODUCTS_BY_CATEGORY = "offers-products-by-category";
    static final String STOCK = "offers-stock";
    static final String PROMOTIONS = "offers-promotions";
    static final String PROMOTIONS_BY_SCOPE = "offers-promotions-by-scope";
    static final String FX = "offers-fx";
    /** Validating step: the last usd_rate_micros let through per currency (8 bytes, big-endian). */
    static final String FX_ACCEPTED = "offers-fx-accepted";
    /** Unfinished FX fan-outs: currency → [event timestamp i64][len u32][last sku done, utf8] (StoreCodec). */
    static final String FX_FANOUTS = "offers-fx-fanouts";
    /**
     * Combinations one task's step of an FX fan-out reports unless configured otherwise: {@value}. Under
     * exactly_once_v2 a transaction spans every task of a stream thread, and each task runs its step in the same
     * loop, so a transaction holds up to (tasks per thread) × this: 50,000 with 4 tasks outlived the 10 s
     * transaction timeout on a loaded 2-core box (FxFanOutChunkRun, docs/benchmarks.md).
     */
    public static final int DEFAULT_FANOUT_CHUNK = 10_000;
    /** How far one FX change may move a rate unless configured otherwise: {@value}. */
    public static final double DEFAULT_MAX_FX_CHANGE_FACTOR = 10.0;

    private final ViewDescriptor descriptor;
    private final String sourceTopic;
    private final List<String> regions;
    private final int maxStringBytes;
    private final double maxFxChangeFactor;
    private int fanOutChunk = DEFAULT_FANOUT_CHUNK; // written only by withFanOutChunk, before the copy escapes

    /**
     * @param regions the region dimension of the parameter space, in response order; non-empty, distinct
     * @param version one of {@link OffersContract#versionNumbers()}
     * @throws IllegalArgumentException naming the bad regions, or the version and the versions that exist
     */
    public OffersView(String sourceTopic, List<String> regions, int version) {
        this(sourceTopic, regions, version, OfferEventDecoder.DEFAULT_MAX_STRING_BYTES);
    }

    /**
     * @param maxStringBytes longest string field of an event, in UTF-8 bytes; a longer one is dead-lettered with both
     *                       numbers in the reason
     */
    public OffersView(String sourceTopic, List<String> regions, int version, int maxStringBytes) {
        this(sourceTopic, regions, version, maxStringBytes, DEFAULT_MAX_FX_CHANGE_FACTOR);
    }

    /**
     * @param maxFxChangeFactor an FxRateChanged that sets a rate more than this factor above or below the currency's
     *                          last accepted rate is held back (dead-lettered with the reason, counted)
     */
    public OffersView(
            String sourceTopic, List<String> regions, int version, int maxStringBytes, double maxFxChangeFactor) {
        if (maxStringBytes < 1) {
            throw new IllegalArgumentException("maxStringBytes=" + maxStringBytes + " < 1");
        }
        if (!(maxFxChangeFactor >= 1.0)) {
            throw new IllegalArgumentException("maxFxChangeFactor=" + maxFxChangeFactor + " < 1");
        }
        this.maxStringBytes = maxStringBytes;
        this.maxFxChangeFactor = maxFxChangeFactor;
        this.descriptor = OffersContract.version(version);
        if (regions.isEmpty() || new HashSet<>(regions).size() != regions.size() || regions.contains("")) {
            throw new IllegalArgumentException(
                    "regions=" + regions + " must be non-empty, distinct, and each " + "non-empty");
        }
        this.sourceTopic = sourceTopic;
        this.regions = List.copyOf(regions);
    }

    /** Version 1. */
    public OffersView(String sourceTopic, List<String> regions) {
        this(sourceTopic, regions, 1);
    }

    /** Version 1, default source topic and regions. */
    public OffersView() {
        this(DEFAULT_SOURCE_TOPIC, DEFAULT_REGIONS);
    }

    /**
     * A copy whose FX fan-outs report at most about {@code combinations} combinations per transaction (a whole
     * product's combinations at least), the rest resumed chunk by chunk; 0 = the whole fan-out in the event's one
     * transaction.
     */
    public OffersView withFanOutChunk(int combinations) {
        if (combinations < 0) {
            throw new IllegalArgumentException("fanOutChunk=" + combinations + " < 0");
        }
        OffersView copy = new OffersView(sourceTopic, regions, descriptor.version(), maxStringBytes, maxFxChangeFactor);
        copy.fanOutChunk = combinations;
        return copy;
    }

    public int fanOutChunk() {
        return fanOutChunk;
    }

    public List<String> regions() {
        return regions;
    }

    @Override
    public ViewDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<String> sourceTopics() {
        return List.of(sourceTopic);
    }

    @Override
    public OffersEvent decode(byte[] value) throws InvalidEventException {
        return OfferEventDecoder.decode(value, maxStringBytes);
    }

    @Override
    public byte[] partitionKey(OffersEvent event) {
        if (event instanceof OffersEvent.ProductUpserted e) {
            return e.sku().getBytes(StandardCharsets.UTF_8);
        } else if (event instanceof OffersEvent.ProductDeleted e) {
            return e.sku().getBytes(StandardCharsets.UTF_8);
        } else if (event instanceof OffersEvent.StockChanged e) {
            return e.sku().getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }

    @Override
    public List<StoreBuilder<KeyValueStore<Bytes, byte[]>>> stores() {
        return List.of(
                ViewStores.bytesStore(PRODUCTS),
                ViewStores.bytesStore(PRODUCTS_BY_CATEGORY),
                ViewStores.bytesStore(STOCK),
                ViewStores.bytesStore(PROMOTIONS),
                ViewStores.bytesStore(PROMOTIONS_BY_SCOPE),
                ViewStores.bytesStore(FX),
                ViewStores.bytesStore(FX_FANOUTS));
    }

    @Override
    public List<StoreBuilder<KeyValueStore<Bytes, byte[]>>> validationStores() {
        return List.of(ViewStores.bytesStore(FX_ACCEPTED));
    }

    /**
     * Holds an FX change that moves the currency's rate by more than {@code view.offers.fx.max.change.factor} from
     * the last rate let through (one typo, a rate in the wrong unit, re-prices every product in that currency). The
     * first rate of a currency passes. Rates are compared per source partition: FX events are keyed by currency, so one partition
     * sees all of a currency's changes in order. To make a real move that large, raise the setting for it or step
     * the rate in several changes.
     */
    @Override
    public String holdChange(OffersEvent event, StoreLookup stores) {
        if (!(event instanceof OffersEvent.FxRateChanged fx)) {
            return null;
        }
        KeyValueStore<Bytes, byte[]> accepted = stores.store(FX_ACCEPTED);
        Bytes currency = Bytes.wrap(fx.currency().getBytes(StandardCharsets.UTF_8));
        byte[] last = accepted.get(currency);
        long rate = fx.usdRateMicros();
        if (last != null) {
            long before = java.nio.ByteBuffer.wrap(last).getLong();
            double factor = rate >= before ? (double) rate / before : (double) before / rate;
            if (factor > maxFxChangeFactor) {
                return "usd_rate_micros=" + rate + " moves " + fx.currency() + " by a factor of "
                        + String.format(java.util.Locale.ROOT, "%.2f", factor) + " from " + before
                        + " > " + OffersSettings.PREFIX + OffersSettings.FX_MAX_CHANGE_FACTOR + "=" + maxFxChangeFactor;
            }
        }
        accepted.put(currency, java.nio.ByteBuffer.allocate(8).putLong(rate).array());
        return null;
    }

    @Override
    public ViewLogic<OffersEvent, OfferCombination> newLogic(StoreLookup stores) {
        return new OffersLogic(descriptor, regions, stores, fanOutChunk);
    }
}
