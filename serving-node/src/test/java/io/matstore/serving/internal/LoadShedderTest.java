package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadShedderTest {
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void shouldAdmitEveryRequestBelowTheInFlightLimit() {
        LoadShedder s = new LoadShedder(3, 1.0, 1_000, now::get);

        assertThat(s.tryAcquire()).isTrue();
        assertThat(s.tryAcquire()).isTrue();
        assertThat(s.tryAcquire()).isTrue();
        assertThat(s.inFlight()).isEqualTo(3);
    }

    @Test
    void shouldRejectAtTheLimitAndAdmitAgainOnceResponsesAreWritten() {
        LoadShedder s = new LoadShedder(2, 1.0, 1_000, now::get);
        s.tryAcquire();
        s.tryAcquire();

        assertThat(s.tryAcquire()).isFalse();

        s.release();
        assertThat(s.tryAcquire()).isTrue();
    }

    @Test
    void shouldNeverRejectMoreThanTheMaximumRatioOfAWindow() {
        LoadShedder s = new LoadShedder(1, 0.5, 1_000, now::get);
        s.tryAcquire();
        int admitted = 0;
        for (int i = 0; i < 99; i++) {
            if (s.tryAcquire()) {
                admitted++;
            }
        }
        // 100 requests in the window, all while overloaded but the first: the cap lets 50 be rejected, no more
        assertThat(99 - admitted).isEqualTo(50);
    }

    @Test
    void shouldStartANewRejectionBudgetWhenTheWindowEnds() {
        LoadShedder s = new LoadShedder(1, 0.5, 1_000, now::get);
        List<Boolean> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            first.add(s.tryAcquire());
        }
        now.addAndGet(1_000);
        List<Boolean> second = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            second.add(s.tryAcquire());
        }

        // still overloaded, but the new window's counts start from zero: the same alternation as the first
        assertThat(first).containsExactly(true, false, true, false, true);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldNeverRejectWithARatioOfZero() {
        LoadShedder s = new LoadShedder(1, 0.0, 1_000, now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(s.tryAcquire()).isTrue();
        }
    }

    @Test
    void shouldRefuseSettingsOutsideTheirRangeNamingValueAndLimit() {
        assertThatThrownBy(() -> new LoadShedder(0, 0.5, 1, now::get)).hasMessage("maxInFlight=0 < 1");
        assertThatThrownBy(() -> new LoadShedder(1, 1.5, 1, now::get))
                .hasMessage("maxRejectionRatio=1.5 outside [0, 1]");
        assertThatThrownBy(() -> new LoadShedder(1, 0.5, 0, now::get)).hasMessage("windowMillis=0 < 1");
    }
}
