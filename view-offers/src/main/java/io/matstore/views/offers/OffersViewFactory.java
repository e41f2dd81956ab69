package io.matstore.views.offers;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewFactory;
import io.matstore.schemas.offers.OffersContract;

/** The offers view's precompute logic for {@link java.util.ServiceLoader}. */
public final class OffersViewFactory implements ViewFactory {
    @Override
    public String name() {
        return OffersContract.V1.name();
    }

    @Override
    public View<?, ?> create(PrecomputeConfig config, int version) {
        return config.offersView(version);
    }
}
