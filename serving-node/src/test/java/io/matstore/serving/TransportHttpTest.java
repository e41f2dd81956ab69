package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class TransportHttpTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void shouldServeTheSameBytesOnEveryTransport(String transport) throws Exception {
        assumeTrue(!transport.equals("epoll") || Epoll.isAvailable(), "epoll unavailable here");
        assumeTrue(!transport.equals("io_uring") || IoUring.isAvailable(), "io_uring unavailable here");
        try (ServingFixture f = new ServingFixture(Map.of(ServingConfig.TRANSPORT, transport))) {
            assertThat(f.get("/v1/views/offers?" + MUG_QUERY).body()).isEqualTo(ServingFixture.mugEnvelope());
        }
    }
}
