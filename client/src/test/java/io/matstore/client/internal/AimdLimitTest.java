package io.matstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AimdLimitTest {
    private static final long TARGET = 100_000_000L;

    @Test
    void shouldRefuseBeyondTheLimit() {
        AimdLimit limit = new AimdLimit(2, 1, 10, 0.5, TARGET);
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isFalse();
        limit.onIgnore();
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.inFlight()).isEqualTo(2);
    }

    @Test
    void shouldCutTheLimitOnDropsDownToItsMinimum() {
        AimdLimit limit = new AimdLimit(16, 2, 64, 0.5, TARGET);
        for (int i = 0; i < 10; i++) {
            limit.tryAcquire();
            limit.onDrop();
        }
        assertThat(limit.limit()).isEqualTo(2);
        assertThat(limit.decreases()).isEqualTo(10);
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void shouldGrowByOneOverTheLimitPerFastAnswerWhileHalfOfItIsInFlight() {
        AimdLimit limit = new AimdLimit(4, 1, 64, 0.5, TARGET);
        for (int round = 0; round < 8; round++) { // each round: limit requests in flight, then all answered fast
            int n = limit.limit();
            for (int i = 0; i < n; i++) {
                assertThat(limit.tryAcquire()).isTrue();
            }
            for (int i = 0; i < n; i++) {
                limit.onSuccess(TARGET / 10);
            }
        }
        // the first half of each round's answers come back with at least half the limit in flight: ~+0.5 a round
        assertThat(limit.limit()).isBetween(7, 8);
    }

    @Test
    void shouldNotGrowWhenIdleOrSlow() {
        AimdLimit limit = new AimdLimit(8, 1, 64, 0.5, TARGET);
        for (int i = 0; i < 1000; i++) {
            limit.tryAcquire();
            limit.onSuccess(TARGET / 10); // one in flight of 8: the limit is not being tested
        }
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < 8; j++) {
                limit.tryAcquire();
            }
            for (int j = 0; j < 8; j++) {
                limit.onSuccess(TARGET * 2);
            }
        }
        assertThat(limit.limit()).isEqualTo(8);
    }

    @Test
    void shouldRejectSettingsOutOfOrderWithTheValues() {
        assertThatThrownBy(() -> new AimdLimit(1, 2, 8, 0.9, TARGET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency limit: min=2 initial=1 max=8 must satisfy 1 <= min <= initial <= max");
    }
}
