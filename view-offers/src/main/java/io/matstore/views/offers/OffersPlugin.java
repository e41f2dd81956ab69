package io.matstore.views.offers;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.view.ViewPlugin;
import io.matstore.view.json.JsonRenderer;
import java.util.List;

/** The offers view (docs/views/offers.md) for {@link java.util.ServiceLoader}: its versions and JSON renderer. */
public final class OffersPlugin implements ViewPlugin {
    private final JsonRenderer renderer = new OffersJsonRenderer();

    @Override
    public String name() {
        return OffersContract.V1.name();
    }

    @Override
    public List<ViewDescriptor> versions() {
        return OffersContract.VERSIONS;
    }

    @Override
    public JsonRenderer jsonRenderer() {
        return renderer;
    }
}
