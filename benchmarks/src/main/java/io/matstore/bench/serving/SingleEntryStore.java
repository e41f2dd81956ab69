package io.matstore.bench.serving;

import io.matstore.store.ResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import java.util.List;

/** A store holding one version of one view with one entry, always caught up: the load run's stand-in store. */
final class SingleEntryStore implements ResponseStore {
    private final SingleEntryViewReader reader;

    SingleEntryStore(SingleEntryViewReader reader) {
        this.reader = reader;
    }

    @Override
    public ViewReader current(String viewName) {
        return reader.descriptor().name().equals(viewName) ? reader : null;
    }

    @Override
    public ViewReader version(String viewName, int version) {
        return reader.descriptor().version() == version ? current(viewName) : null;
    }

    @Override
    public List<ViewStatus> status() {
        return List.of(status(reader.descriptor().name(), reader.descriptor().version()));
    }

    @Override
    public ViewStatus status(String viewName, int version) {
        return new ViewStatus(viewName, version, true, List.of(new ViewStatus.PartitionStatus(0, 1, 1)), 1, 0, 0,
                0, 0, System.currentTimeMillis(), null);
    }

    @Override
    public void close() {
    }
}
