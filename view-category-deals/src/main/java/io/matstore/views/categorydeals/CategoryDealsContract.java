package io.matstore.views.categorydeals;

import io.matstore.schemas.ViewDescriptor;
import java.util.List;

/** Name, versions and dimensions of the category-deals view (docs/views/category-deals.md). */
public final class CategoryDealsContract {
    public static final String NAME = "category-deals";
    public static final ViewDescriptor V1 = ViewDescriptor.of(NAME, 1, "category", "region", "currency", "tier");
    public static final List<ViewDescriptor> VERSIONS = List.of(V1);
    /** How many offers a response lists at most. */
    public static final int LIMIT = 10;

    private CategoryDealsContract() {}
}
