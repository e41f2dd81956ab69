package io.matstore.views.offers;

import io.matstore.precompute.PrecomputeConfig;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The offers view's own precompute settings, given as {@code view.offers.<setting>}; the precompute configuration
 * validates and documents them from {@link #DEFINITION}.
 */
public final class OffersSettings {
    public static final String REGIONS = "regions";
    public static final String EVENT_MAX_STRING_BYTES = "event.max.string.bytes";
    public static final String FX_MAX_CHANGE_FACTOR = "fx.max.change.factor";
    public static final String FX_FANOUT_CHUNK = "fx.fanout.chunk";
    /**
     * How the precompute configuration names this view's settings ({@code view.<view>.<setting>}): reasons quote a
     * setting the way a user must give it to change it.
     */
    public static final String PREFIX = "view.offers.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    REGIONS,
                    Type.LIST,
                    String.join(",", OffersView.DEFAULT_REGIONS),
                    new PrecomputeConfig.Regions(),
                    Importance.HIGH,
                    "The region dimension of the offers parameter space, comma-separated, distinct.")
            .define(
                    EVENT_MAX_STRING_BYTES,
                    Type.INT,
                    OfferEventDecoder.DEFAULT_MAX_STRING_BYTES,
                    Range.between(1, 1 << 20),
                    Importance.MEDIUM,
                    "Longest string field of a source event (title, category, sku, region, promo_id), in UTF-8"
                            + " bytes. A longer one is dead-lettered with the length and this limit in the reason:"
                            + " a title is copied into the response of every region and currency, and a response"
                            + " too large for the view topic cannot be written.")
            .define(
                    FX_MAX_CHANGE_FACTOR,
                    Type.DOUBLE,
                    OffersView.DEFAULT_MAX_FX_CHANGE_FACTOR,
                    Range.atLeast(1.0),
                    Importance.MEDIUM,
                    "An FxRateChanged that moves a currency's rate by more than this factor (up or"
                            + " down) from its last accepted rate is held: dead-lettered with the reason and counted"
                            + " (matstore_precompute_held_total), changing no price. The first rate of a currency"
                            + " always passes.")
            .define(
                    FX_FANOUT_CHUNK,
                    Type.INT,
                    OffersView.DEFAULT_FANOUT_CHUNK,
                    Range.atLeast(0),
                    Importance.MEDIUM,
                    "Combinations each task reports per step of an FX fan-out (one currency re-priced for every"
                            + " product); the rest resumes step by step from a cursor in the task's state. A"
                            + " transaction spans the steps of every task of a stream thread, so it holds up to"
                            + " (tasks per thread) x this; keep that far inside the producer's transaction.timeout.ms"
                            + " (10 s). 0 = the whole fan-out in the event's one transaction.");

    private OffersSettings() {}

    /** The offers view at the configured {@code view.version}. */
    public static OffersView view(PrecomputeConfig config) {
        return view(config, config.viewVersion());
    }

    /**
     * The offers view at {@code version}, from the source topic and the {@code view.offers.*} settings.
     *
     * @throws ConfigException naming {@code view.version} and the versions the view has
     */
    public static OffersView view(PrecomputeConfig config, int version) {
        if (!OffersContract.versionNumbers().contains(version)) {
            throw new ConfigException(
                    PrecomputeConfig.VIEW_VERSION,
                    version,
                    "the offers view has versions " + OffersContract.versionNumbers());
        }
        AbstractConfig own = config.viewSettings(OffersContract.V1.name());
        return new OffersView(
                        config.sourceTopic(),
                        regions(config),
                        version,
                        own.getInt(EVENT_MAX_STRING_BYTES),
                        own.getDouble(FX_MAX_CHANGE_FACTOR))
                .withFanOutChunk(own.getInt(FX_FANOUT_CHUNK));
    }

    /** {@code view.offers.regions}. */
    public static List<String> regions(PrecomputeConfig config) {
        return config.viewSettings(OffersContract.V1.name()).getList(REGIONS);
    }
}
