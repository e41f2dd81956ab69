package io.matstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BreakerTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong();
    private final Breaker breaker = new Breaker(3, SECOND, now::get);

    @Test
    void shouldOpenAfterConsecutiveFailuresOnly() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(Breaker.CLOSED);
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(Breaker.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.mayAllow()).isFalse();
        assertThat(breaker.opened()).isEqualTo(1);
    }

    @Test
    void shouldLetOneProbeThroughAfterTheOpenTimeAndCloseOnItsSuccess() {
        open();
        now.addAndGet(SECOND);
        assertThat(breaker.mayAllow()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(Breaker.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("a second probe").isFalse();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(Breaker.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void shouldOpenAgainForAFullPeriodWhenTheProbeFails() {
        open();
        now.addAndGet(SECOND);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(Breaker.OPEN);
        now.addAndGet(SECOND - 1);
        assertThat(breaker.tryAcquire()).isFalse();
        now.addAndGet(1);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void shouldFreeTheProbeOfAnAbandonedRequest() {
        open();
        now.addAndGet(SECOND);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onCancelled();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        assertThat(breaker.state()).isEqualTo(Breaker.OPEN);
    }
}
