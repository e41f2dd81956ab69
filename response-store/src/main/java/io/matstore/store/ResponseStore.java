package io.matstore.store;

import java.util.List;

/**
 * A serving node's storage: for each view it holds, one or more versions side by side (each ingested from its view
 * topic into RocksDB and a memory-mapped near-cache), and which version answers.
 *
 * <p>This is the whole surface the serving node uses. Switching the current version is atomic: a request that
 * obtained a {@link ViewReader} keeps a consistent version for the rest of its lookups.
 */
public interface ResponseStore extends AutoCloseable {
    /** The version that answers for {@code viewName} now, or null when the node holds no version of it. */
    ViewReader current(String viewName);

    /** A given version while the node holds it (pinned by a client, or being validated), or null. */
    ViewReader version(String viewName, int version);

    /** Operator status of every view version held: offsets, lag, entries, bytes, hit ratio, ingest health. */
    List<ViewStatus> status();

    /** Status of one version, or null when not held. */
    ViewStatus status(String viewName, int version);

    @Override
    void close();
}
