package io.matstore.views.categorydeals;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewFactory;
import io.matstore.schemas.ViewDescriptor;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The category-deals view's precompute logic for {@link java.util.ServiceLoader}: the job's source topic and
 * {@code view.category-deals.regions}.
 */
public final class CategoryDealsViewFactory implements ViewFactory {
    public static final String REGIONS = "regions";

    private static final ConfigDef SETTINGS = new ConfigDef()
            .define(
                    REGIONS,
                    Type.LIST,
                    String.join(",", List.of("us", "eu", "uk", "jp")),
                    new PrecomputeConfig.Regions(),
                    Importance.HIGH,
                    "The region dimension of the category-deals parameter space, comma-separated, distinct.");

    @Override
    public String name() {
        return CategoryDealsContract.NAME;
    }

    @Override
    public ConfigDef settings() {
        return SETTINGS;
    }

    @Override
    public View<?, ?> create(PrecomputeConfig config, int version) {
        ViewDescriptor descriptor = null;
        for (ViewDescriptor d : CategoryDealsContract.VERSIONS) {
            if (d.version() == version) {
                descriptor = d;
            }
        }
        if (descriptor == null) {
            throw new ConfigException(
                    PrecomputeConfig.VIEW_VERSION,
                    version,
                    "the " + CategoryDealsContract.NAME
                            + " view has versions "
                            + CategoryDealsContract.VERSIONS.stream()
                                    .map(ViewDescriptor::version)
                                    .toList());
        }
        return new CategoryDealsView(
                descriptor,
                config.sourceTopic(),
                config.viewSettings(CategoryDealsContract.NAME).getList(REGIONS));
    }
}
