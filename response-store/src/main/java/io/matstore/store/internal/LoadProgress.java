package io.matstore.store.internal;

import io.matstore.store.ViewStatus;

/**
 * Where loading a version stands, written by its ingest thread and read by status. The three fields are read
 * without a lock: status may show a phase with the previous phase's counts for an instant, never torn values.
 */
final class LoadProgress {
    private volatile ViewStatus.Phase phase = ViewStatus.Phase.LIVE;
    private volatile long loaded;
    private volatile long target;

    void bulk(long targetRecords) {
        target = targetRecords;
        loaded = 0;
        phase = ViewStatus.Phase.BULK_LOADING;
    }

    void loaded(long records) {
        loaded = records;
    }

    void warming() {
        phase = ViewStatus.Phase.WARMING;
    }

    void live() {
        phase = ViewStatus.Phase.LIVE;
    }

    ViewStatus.Phase phase() {
        return phase;
    }

    long loadedRecords() {
        return loaded;
    }

    long targetRecords() {
        return target;
    }
}
