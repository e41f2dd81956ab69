package io.matstore.precompute;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A view that exists only for the configuration tests: it defines one setting of its own, {@code regions}, as a view
 * module would, so that the tests see {@code view.sample.regions} accepted, validated and documented.
 */
public final class SampleViewFactory implements ViewFactory {
    @Override
    public String name() {
        return "sample";
    }

    @Override
    public ConfigDef settings() {
        return new ConfigDef()
                .define(
                        "regions",
                        Type.LIST,
                        String.join(",", List.of("us", "eu", "uk", "jp")),
                        new PrecomputeConfig.Regions(),
                        Importance.HIGH,
                        "Regions of the sample view.");
    }

    @Override
    public View<?, ?> create(PrecomputeConfig config, int version) {
        throw new UnsupportedOperationException("the sample view is for the configuration tests; it never runs");
    }
}
