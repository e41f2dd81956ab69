package io.matstore.launcher;

import io.matstore.config.KafkaSettings;
import io.matstore.config.SettingsSchema;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.cluster.ClusterSettings;
import io.matstore.store.StoreSettings;
import java.util.List;

/** The settings of each role that takes settings, composed from the modules that define them. */
final class Roles {
    /** {@code serve}: Kafka, the store, the node, its cluster and its views, and {@code kafka.*} for the store's clients. */
    static final SettingsSchema SERVE = SettingsSchema.of("serve")
            .section("Kafka", KafkaSettings.DEFINITION)
            .section("Store", StoreSettings.DEFINITION)
            .section(ServingConfig.SECTION, ServingConfig.DEF)
            .section(ClusterSettings.SECTION, ClusterSettings.DEF)
            .family(ServingConfig.VIEW_SETTINGS)
            .family(KafkaSettings.clients())
            .build();

    /** Every role, in the order of the data flow. */
    static final List<SettingsSchema> ALL = List.of(PrecomputeConfig.SCHEMA, SERVE);

    private Roles() {}
}
