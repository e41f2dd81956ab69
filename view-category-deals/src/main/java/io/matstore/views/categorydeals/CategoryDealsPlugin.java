package io.matstore.views.categorydeals;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.view.ViewPlugin;
import io.matstore.view.json.JsonRenderer;
import java.util.List;

/** The category-deals view for {@link java.util.ServiceLoader}: its versions and JSON renderer. */
public final class CategoryDealsPlugin implements ViewPlugin {
    private final JsonRenderer renderer = new DealsJsonRenderer();

    @Override
    public String name() {
        return CategoryDealsContract.NAME;
    }

    @Override
    public List<ViewDescriptor> versions() {
        return CategoryDealsContract.VERSIONS;
    }

    @Override
    public JsonRenderer jsonRenderer() {
        return renderer;
    }
}
