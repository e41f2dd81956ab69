package io.matstore.store;

import io.matstore.schemas.ViewDescriptor;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A {@link ResponseStore} plus the operations that change what it holds: add a view version (start ingesting its
 * topic), make a version current, roll back, drop a retired version. The serving node reads through
 * {@link ResponseStore}; the rebuild workflow and operators use these.
 *
 * <p>Versions and the current pointer survive restarts: {@link ResponseStores#open} reopens every version found
 * under the data directory and resumes its ingest from the offsets stored with its values.
 */
public interface VersionedResponseStore extends ResponseStore {
    /**
     * Holds {@code view} (name and version) and ingests the given partitions of its topic {@code view.topic()}, a
     * fresh version in {@link LoadMode#BULK}. Idempotent: adding a version already held with the same partitions
     * does nothing.
     *
     * @throws IllegalStateException when the version is held with other partitions (change them with addPartitions and dropPartitions)
     */
    default void addVersion(ViewDescriptor view, Set<Integer> partitions) {
        addVersion(view, partitions, LoadMode.BULK);
    }

    /**
     * Holds {@code view} and loads the given partitions of its topic: a fresh version in {@code mode} (bulk: up to
     * the end offsets seen when loading starts, then live; see {@link LoadMode}), a version with stored offsets live
     * from them. Progress shows in {@link ViewStatus#phase()}. Idempotent like {@link #addVersion(ViewDescriptor,
     * Set)}; the mode is recorded with the version, so a restart during the bulk part starts it again.
     *
     * @throws IllegalStateException when the version is held with other partitions
     */
    void addVersion(ViewDescriptor view, Set<Integer> partitions, LoadMode mode);

    /**
     * Starts holding more partitions of a held version at run time (a partition moved to this node). Recorded on disk
     * before it takes effect; ingest restarts on the new set and reads the added partitions from offset 0 with the
     * live path (one atomic batch of values and offsets per poll), so a crash at any point resumes them where their
     * stored offsets say. {@link ViewStatus.PartitionStatus#loaded()} is false for them until ingest has caught up
     * on them once; the version's other partitions keep answering throughout. Partitions already held are ignored.
     *
     * @throws IllegalArgumentException when the version is not held
     */
    void addPartitions(String viewName, int version, Set<Integer> partitions);

    /**
     * Stops holding partitions of a held version at run time and deletes their values (a scan of the version's
     * keys: their partition is {@code Partitioner.partition(key, topicPartitions)}). Crash-safe: the drop is
     * recorded first and finished at the next open if interrupted. The caller stops routing the partitions here
     * first: while their keys are deleted a read may find a value or not. Partitions not held are ignored.
     *
     * @param topicPartitions the partition count of the version's topic
     * @throws IllegalArgumentException when the version is not held, or when no partition would be left
     */
    void dropPartitions(String viewName, int version, Set<Integer> partitions, int topicPartitions);

    /**
     * Makes {@code version} the one {@link #current} returns, atomically for readers, and records it on disk.
     *
     * <p>A version still loading ({@link ViewReader#loaded()} false) becomes current only when no other version
     * is: a node's first version, which answers once loaded.
     *
     * @return the version that was current before, or 0 when none was
     * @throws IllegalArgumentException when the version is not held
     * @throws IllegalStateException when the version is still loading and another version is current
     */
    int makeCurrent(String viewName, int version);

    /**
     * Makes the previously current version current again.
     *
     * @return the version now current
     * @throws IllegalStateException when there is no previous version held
     */
    int rollback(String viewName);

    /**
     * Stops ingesting a version that is not current, closes it and deletes its files.
     *
     * @throws IllegalStateException when the version is current
     */
    void dropVersion(String viewName, int version);

    /**
     * Waits until ingest of a version has reached the log end (read_committed) of every owned partition, as seen at
     * the time of the call or later.
     *
     * @return true when caught up, false on timeout
     */
    boolean awaitCaughtUp(String viewName, int version, Duration timeout) throws InterruptedException;

    /**
     * A reader of a held version for operator checks: the same values as {@link #version}, but its lookups are not
     * counted in status or by the near-cache's hot-key policy, so a validation's random samples do not displace the
     * keys the near-cache holds because they are hot.
     *
     * @return null when the version is not held
     */
    ViewReader inspectionReader(String viewName, int version);

    /**
     * Exact number of responses a held version stores (a scan of its keys: seconds for millions; for validation).
     *
     * @throws IllegalArgumentException when the version is not held
     */
    long countEntries(String viewName, int version);

    /**
     * Up to {@code n} distinct keys stored in a held version, drawn uniformly (seeded, so a check can be repeated).
     * One scan of the version's keys: seconds for millions.
     *
     * @throws IllegalArgumentException when the version is not held
     */
    List<byte[]> sampleKeys(String viewName, int version, int n, long seed);

    /**
     * Versions found unopenable at {@link ResponseStores#open} and moved aside (see {@link QuarantinedVersion}), oldest
     * first. A version being rebuilt is also held again, under its usual name, loading from offset 0.
     */
    default List<QuarantinedVersion> quarantined() {
        return List.of();
    }
}
