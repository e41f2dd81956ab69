package io.matstore.precompute;

import io.matstore.schemas.ViewDescriptor;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A view: what a precompute job needs to keep every parameter combination's response up to date.
 *
 * <p>The runner ({@link ViewTopology}) owns everything that is the same for every view: reading the source topics,
 * rejecting invalid events to the dead-letter topic, placing each event on the partition(s) that need it,
 * suppressing unchanged responses, wrapping responses in the envelope and writing the view topic. The view owns its
 * meaning: how a record decodes ({@link #decode}), which partition an event belongs to ({@link #partitionKey}), its
 * state ({@link #stores}) and its per-task logic ({@link #newLogic}).
 *
 * @param <E> the view's decoded, validated event
 * @param <C> one parameter combination as the view's logic describes it
 */
public interface View<E, C> {
    /** Name, version and dimensions; the view topic is {@code descriptor().topic()}. */
    ViewDescriptor descriptor();

    /** Topics the view's source events are read from. */
    List<String> sourceTopics();

    /**
     * Decodes and validates one source record value. Must not throw anything but {@link InvalidEventException}: the
     * bytes come from producers the job does not control.
     */
    E decode(byte[] value) throws InvalidEventException;

    /**
     * The bytes that place an event's entity on one partition (events with equal keys are processed in log order by
     * the same task), or {@code null} for a dimension event that every partition must see.
     */
    byte[] partitionKey(E event);

    /** The view's own state stores (see {@link ViewStores}); each task gets its own instance of each. */
    List<StoreBuilder<KeyValueStore<Bytes, byte[]>>> stores();

    /** Creates the logic of one task over that task's stores. */
    ViewLogic<E, C> newLogic(StoreLookup stores);

    /**
     * Stores of the validating step (before the fan-out), for {@link #holdChange}: one per source partition. None by
     * default.
     */
    default List<StoreBuilder<KeyValueStore<Bytes, byte[]>>> validationStores() {
        return List.of();
    }

    /**
     * A sanity check of a valid event against what came before it, run once per event in source-partition order,
     * before the fan-out: the reason to hold it back (it is dead-lettered with that reason and counted, changing
     * nothing), or null to let it through, recording what later checks need. For live changes whose effect would be
     * catastrophic if they were a mistake (an exchange rate off by a factor of 100 re-prices everything).
     */
    default String holdChange(E event, StoreLookup stores) {
        return null;
    }

    /** Access to the task's stores by name. */
    @FunctionalInterface
    interface StoreLookup {
        KeyValueStore<Bytes, byte[]> store(String name);
    }
}
