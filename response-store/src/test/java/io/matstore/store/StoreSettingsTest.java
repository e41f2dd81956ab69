package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {
    @Test
    void shouldCarryTheBlockCacheSizeIntoTheStoreConfig() {
        assertThat(StoreSettings.of(Map.of()).storeConfig().blockCacheBytes())
                .isEqualTo(StoreConfig.DEFAULT_BLOCK_CACHE_BYTES);
        assertThat(StoreSettings.of(Map.of(StoreSettings.BLOCK_CACHE_BYTES, "1073741824"))
                        .storeConfig()
                        .blockCacheBytes())
                .isEqualTo(1L << 30);
    }

    @Test
    void shouldRefuseABlockCacheUnderOneMebibyte() {
        assertThatThrownBy(() -> StoreSettings.of(Map.of(StoreSettings.BLOCK_CACHE_BYTES, "4096")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 4096 for configuration store.block.cache.bytes: Value must be at least"
                        + " 1048576");
    }

    @Test
    void shouldCarryTheBackgroundNiceIntoTheStoreConfigWithinZeroToNineteen() {
        assertThat(StoreSettings.of(Map.of()).storeConfig().backgroundNice())
                .isEqualTo(StoreConfig.DEFAULT_BACKGROUND_NICE);
        assertThat(StoreSettings.of(Map.of(StoreSettings.BACKGROUND_NICE, "0"))
                        .storeConfig()
                        .backgroundNice())
                .isZero();
        assertThatThrownBy(() -> StoreSettings.of(Map.of(StoreSettings.BACKGROUND_NICE, "20")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.background.nice");
    }

    @Test
    void shouldRefuseABulkRunOverOneGibibyte() {
        assertThatThrownBy(() -> StoreSettings.of(Map.of(StoreSettings.BULK_RUN_BYTES, "1073741825")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.bulk.run.bytes");
    }
}
