package io.matstore.precompute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ops endpoint settings: {@code http.host} and {@code http.port}. */
class PrecomputeConfigHttpTest {
    @Test
    void shouldServeTheOpsEndpointOnLoopbackPort8070ByDefault() {
        PrecomputeConfig c = PrecomputeConfig.defaults();
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8070);
    }

    @Test
    void shouldAcceptAFreePortAndNoEndpointAndRefusePortsOutsideTheirRange() {
        assertThat(PrecomputeConfig.load(List.of(), Map.of("MATSTORE_HTTP_PORT", "0"), Map.of())
                        .httpPort())
                .isZero();
        assertThat(PrecomputeConfig.of(Map.of("http.port", "-1")).httpPort())
                .isEqualTo(PrecomputeConfig.HTTP_PORT_NONE);
        assertThat(PrecomputeConfig.of(Map.of("http.host", "0.0.0.0")).httpHost())
                .isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> PrecomputeConfig.of(Map.of("http.port", "-2")))
                .hasMessage("Invalid value -2 for configuration http.port: Value must be at least -1");
        assertThatThrownBy(() -> PrecomputeConfig.of(Map.of("http.port", "65536")))
                .hasMessage("Invalid value 65536 for configuration http.port: Value must be no more than 65535");
        assertThatThrownBy(() -> PrecomputeConfig.of(Map.of("http.host", "")))
                .hasMessage("Invalid value  for configuration http.host: String must be non-empty");
    }
}
