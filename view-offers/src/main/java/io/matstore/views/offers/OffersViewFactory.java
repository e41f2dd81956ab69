package io.matstore.views.offers;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewFactory;
import org.apache.kafka.common.config.ConfigDef;

/** The offers view's precompute logic for {@link java.util.ServiceLoader}. */
public final class OffersViewFactory implements ViewFactory {
    private final SourceEventFormat<OffersEvent> sourceEvents = new OffersEventFormat();

    @Override
    public String name() {
        return OffersContract.V1.name();
    }

    @Override
    public ConfigDef settings() {
        return OffersSettings.DEFINITION;
    }

    @Override
    public View<?, ?> create(PrecomputeConfig config, int version) {
        return OffersSettings.view(config, version);
    }

    @Override
    public SourceEventFormat<?> sourceEvents() {
        return sourceEvents;
    }
}
