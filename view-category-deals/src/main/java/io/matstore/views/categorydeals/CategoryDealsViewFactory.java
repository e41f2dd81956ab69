package io.matstore.views.categorydeals;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewFactory;
import io.matstore.schemas.ViewDescriptor;
import org.apache.kafka.common.config.ConfigException;

/** The category-deals view's precompute logic for {@link java.util.ServiceLoader}: the job's source topic and regions. */
public final class CategoryDealsViewFactory implements ViewFactory {
    @Override
    public String name() {
        return CategoryDealsContract.NAME;
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
            throw new ConfigException(PrecomputeConfig.VIEW_VERSION, version, "the " + CategoryDealsContract.NAME
                    + " view has versions " + CategoryDealsContract.VERSIONS.stream().map(ViewDescriptor::version)
                    .toList());
        }
        return new CategoryDealsView(descriptor, config.sourceTopic(), config.regions());
    }
}
