package io.matstore.views.categorydeals;

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
 * The category-deals view's precompute logic (docs/views/category-deals.md), reading the offers source topic.
 *
 * <p>Every event is placed on one partition (one constant partition key): a response depends on every product of a
 * category and on its products' stock, which is keyed by sku, so no split of the events by one key keeps all inputs
 * of a response together. One task therefore folds the whole view; it scales up, not out. A split by category would
 * need stock re-keyed by its product's category in a first stage: left for when a catalogue needs it.
 */
final class CategoryDealsView implements View<DealsEvent, DealsCombination> {
    static final String PRODUCTS = "deals-products";
    static final String BY_CATEGORY = "deals-products-by-category";
    static final String STOCK = "deals-stock";
    static final String PROMOTIONS = "deals-promotions";
    static final String FX = "deals-fx";
    private static final byte[] ONE_PARTITION = "category-deals".getBytes(StandardCharsets.UTF_8);

    private final ViewDescriptor descriptor;
    private final String sourceTopic;
    private final List<String> regions;

    /** @throws IllegalArgumentException when the regions are empty, repeated or blank */
    CategoryDealsView(ViewDescriptor descriptor, String sourceTopic, List<String> regions) {
        if (regions.isEmpty() || new HashSet<>(regions).size() != regions.size() || regions.contains("")) {
            throw new IllegalArgumentException(
                    "regions=" + regions + " must be non-empty, distinct, and each " + "non-empty");
        }
        this.descriptor = descriptor;
        this.sourceTopic = sourceTopic;
        this.regions = List.copyOf(regions);
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
    public DealsEvent decode(byte[] value) throws InvalidEventException {
        return DealsEventDecoder.decode(value);
    }

    @Override
    public byte[] partitionKey(DealsEvent event) {
        return ONE_PARTITION;
    }

    @Override
    public List<StoreBuilder<KeyValueStore<Bytes, byte[]>>> stores() {
        return List.of(
                ViewStores.bytesStore(PRODUCTS),
                ViewStores.bytesStore(BY_CATEGORY),
                ViewStores.bytesStore(STOCK),
                ViewStores.bytesStore(PROMOTIONS),
                ViewStores.bytesStore(FX));
    }

    @Override
    public ViewLogic<DealsEvent, DealsCombination> newLogic(StoreLookup stores) {
        return new DealsLogic(descriptor, regions, stores);
    }
}
