package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The AIMD rule of {@link AdaptiveLimit} and the fair share and batch weight of {@link LoadShedder}, on a clock. */
class AdaptiveLimitTest {
    private static final long TARGET = 10_000_000; // 10 ms
    private final AtomicLong now = new AtomicLong(1_000);

    private AdaptiveLimit limit(int initial) {
        return new AdaptiveLimit(initial, 4, 1_000, TARGET, 0.5, 100, now::get);
    }

    @Test
    void shouldHalveOnASlowAnswerAtMostOncePerWindow() {
        AdaptiveLimit l = limit(100);

        l.onSample(TARGET + 1, 60);
        l.onSample(TARGET + 1, 60); // answered under the old limit: no second decrease
        assertThat(l.limit()).isEqualTo(50);

        now.addAndGet(100);
        l.onSample(TARGET + 1, 60);
        assertThat(l.limit()).isEqualTo(25);
    }

    @Test
    void shouldNotLowerTheLimitForASlowAnswerFarBelowIt() {
        AdaptiveLimit l = limit(100);

        l.onSample(TARGET * 100, 10); // a GC pause, one slow read: nothing to do with concurrency
        assertThat(l.limit()).isEqualTo(100);
    }

    @Test
    void shouldNeverGoBelowTheMinimum() {
        AdaptiveLimit l = limit(5);
        for (int i = 0; i < 10; i++) {
            l.onSample(TARGET * 10, 5);
            now.addAndGet(100);
        }
        assertThat(l.limit()).isEqualTo(4);
    }

    @Test
    void shouldGrowByAboutOnePerLimitOfFastAnswersOnlyWhileTheLimitIsUsed() {
        AdaptiveLimit l = limit(10);

        for (int i = 0; i < 100; i++) {
            l.onSample(TARGET / 2, 2); // in flight far below the limit: not raised
        }
        assertThat(l.limit()).isEqualTo(10);

        for (int i = 0; i < 10; i++) {
            l.onSample(TARGET / 2, 6);
        }
        assertThat(l.limit()).isEqualTo(10); // +1/L each, L growing: just under +1 after 10
        l.onSample(TARGET / 2, 6);
        assertThat(l.limit()).isEqualTo(11);
    }

    @Test
    void shouldNeverGrowAboveTheMaximum() {
        AdaptiveLimit l = new AdaptiveLimit(4, 1, 4, TARGET, 0.5, 100, now::get);
        for (int i = 0; i < 100; i++) {
            l.onSample(1, 4);
        }
        assertThat(l.limit()).isEqualTo(4);
    }

    @Test
    void shouldShedTheRequestOfTheShedderFromTheAdaptiveLimit() {
        AdaptiveLimit l = limit(4);
        LoadShedder s = new LoadShedder(1_000, 1.0, 1_000, now::get, l);
        for (int i = 0; i < 4; i++) {
            assertThat(s.tryAcquire()).isTrue();
        }
        assertThat(s.tryAcquire()).isFalse();

        s.release();
        s.onAnswered(TARGET * 2);
        assertThat(s.limit()).isEqualTo(4); // min 4
        assertThat(s.tryAcquire()).isTrue();
    }

    @Test
    void shouldShedAConnectionOverItsFairShareOnceTheNodeIsHalfFull() {
        LoadShedder s = new LoadShedder(8, 1.0, 1_000, now::get);
        for (int i = 0; i < 4; i++) {
            assertThat(s.tryAcquire(i, 4))
                    .as("below half full, one connection may take more")
                    .isTrue();
        }

        assertThat(s.tryAcquire(4, 4))
                .as("half full: a connection holding 4 > 8/4")
                .isFalse();
        assertThat(s.tryAcquire(0, 4)).as("another connection still gets in").isTrue();
        assertThat(s.tryAcquire(1, 4)).isTrue();
    }

    @Test
    void shouldWeighABatchAsItsItems() {
        LoadShedder s = new LoadShedder(10, 1.0, 1_000, now::get);
        assertThat(s.tryAcquire()).isTrue();

        assertThat(s.tryAcquireMore(10)).as("1 + 10 > 10").isFalse();
        assertThat(s.tryAcquireMore(9)).isTrue();
        assertThat(s.inFlight()).isEqualTo(10);
        assertThat(s.tryAcquire()).isFalse();

        s.release(9);
        s.release();
        assertThat(s.inFlight()).isZero();
    }

    @Test
    void shouldRefuseInconsistentBounds() {
        assertThatThrownBy(() -> new AdaptiveLimit(2, 4, 8, TARGET, 0.5, 100, now::get))
                .hasMessage("limits min=4 initial=2 max=8: need 1 <= min <= initial <= max");
        assertThatThrownBy(() -> new AdaptiveLimit(4, 4, 8, TARGET, 1.0, 100, now::get))
                .hasMessage("backoff=1.0 outside (0, 1)");
    }
}
