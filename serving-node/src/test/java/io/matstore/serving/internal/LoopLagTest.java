package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoopLagTest {
    private static final long MS = 1_000_000;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final LoopLag lag = new LoopLag(5 * MS, 100 * MS, now::get);

    /** Ten probes over one interval with the given lags, the last one closing it. */
    private void interval(long... lagsMs) {
        for (int i = 0; i < lagsMs.length; i++) {
            now.addAndGet(i == lagsMs.length - 1 ? 100 * MS - (lagsMs.length - 1) * MS : MS);
            lag.onLag(lagsMs[i] * MS);
        }
    }

    @Test
    void shouldDeclareOverloadOnlyAfterAWholeIntervalAboveTheTarget() {
        interval(8, 9, 12, 7, 6);

        assertThat(lag.overloaded()).isTrue();
    }

    @Test
    void shouldNotShedForOneSlowRoundWithinAnInterval() {
        interval(1, 250, 2, 1, 1); // a GC pause: one probe very late, the others on time

        assertThat(lag.overloaded()).isFalse();
    }

    @Test
    void shouldStopShedAfterAnIntervalWithAProbeBelowTheTarget() {
        interval(8, 9, 12, 7, 6);
        interval(20, 3, 20, 20, 20);

        assertThat(lag.overloaded()).isFalse();
    }

    @Test
    void shouldKeepItsVerdictUntilTheIntervalCloses() {
        interval(8, 9, 12, 7, 6);
        now.addAndGet(MS);
        lag.onLag(0);

        assertThat(lag.overloaded()).isTrue();
    }

    @Test
    void shouldDeclareOverloadWhenNoProbeRanForAWholeInterval() {
        interval(1, 1, 1);
        now.addAndGet(300 * MS); // every loop stuck: the next probe is 300 ms late and closes the interval alone
        lag.onLag(300 * MS);

        assertThat(lag.overloaded()).isTrue();
    }

    @Test
    void shouldMeasureAProbeRunAsItsDelayPastThePeriod() {
        Runnable probe = lag.probe(10 * MS);
        now.addAndGet(10 * MS);
        probe.run();
        assertThat(lag.lastLagNanos()).isZero();

        now.addAndGet(17 * MS);
        probe.run();
        assertThat(lag.lastLagNanos()).isEqualTo(7 * MS);
    }

    @Test
    void shouldRejectANonPositiveTarget() {
        assertThatThrownBy(() -> new LoopLag(0, 100, now::get))
                .hasMessage("targetNanos=0 intervalNanos=100: both must be > 0");
    }

    @Test
    void shouldShedWhileTheLoopsLagEvenWithNothingInFlight() {
        LoadShedder shedder = new LoadShedder(100, 0.9, 1_000, () -> now.get() / MS, null, lag);
        assertThat(shedder.tryAcquire()).isTrue();
        shedder.release();

        for (int i = 0; i < 10; i++) {
            interval(40, 40, 40); // a standing queue of 8 targets: p climbs by the step's cap to 1
        }
        assertThat(lag.shedProbability()).isEqualTo(1.0, within(1e-6));
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            if (shedder.tryAcquire()) {
                admitted++;
                shedder.release();
            }
        }
        // nothing in flight, yet overloaded: the rejection cap (0.9 of the window's requests) still admits some
        assertThat(admitted).isBetween(9, 11);
        assertThat(shedder.inFlight()).isZero();
    }

    @Test
    void shouldRaiseTheShedProbabilityByAtMostAnEighthPerIntervalAboveTheTarget() {
        double before = 0;
        for (int i = 0; i < 4; i++) {
            interval(40, 40, 40);
            double p = lag.shedProbability();
            assertThat(p).isGreaterThan(before).isLessThanOrEqualTo(before + 1.0 / 8 + 1e-9);
            before = p;
        }
    }

    @Test
    void shouldRaiseTheShedProbabilityInProportionToTheExcessLag() {
        interval(6, 6, 6);
        interval(6, 6, 6); // lag steady at 1.2 T: only the α term, 1/16 · 0.2
        double p = lag.shedProbability();
        interval(6, 6, 6);

        assertThat(lag.shedProbability() - p).isCloseTo(0.2 / 16, within(1e-6));
    }

    @Test
    void shouldHoldTheShedProbabilityWhileTheLagStaysAtTheTarget() {
        for (int i = 0; i < 3; i++) {
            interval(40, 40, 40);
        }
        interval(5, 5, 5);
        double p = lag.shedProbability();
        interval(5, 5, 5);
        interval(5, 5, 5);

        assertThat(p).isGreaterThan(0.1);
        assertThat(lag.shedProbability()).isCloseTo(p, within(1e-6));
    }

    @Test
    void shouldLowerTheShedProbabilityToZeroOnceTheLagIsBelowTheTarget() {
        for (int i = 0; i < 10; i++) {
            interval(40, 40, 40);
        }
        interval(0, 0, 0);
        assertThat(lag.shedProbability()).isCloseTo(1 - 1.0 / 8, within(1e-6));
        assertThat(lag.overloaded()).isFalse();

        for (int i = 0; i < 16; i++) {
            interval(0, 0, 0);
        }
        assertThat(lag.shedProbability()).isZero();
        assertThat(lag.shed()).isFalse();
    }

    @Test
    void shouldShedAShareOfRequestsEqualToTheProbability() {
        for (int i = 0; i < 4; i++) {
            interval(40, 40, 40);
        }
        double p = lag.shedProbability();
        assertThat(p).isCloseTo(0.5, within(1e-6));
        int shed = 0;
        for (int i = 0; i < 100_000; i++) {
            if (lag.shed()) {
                shed++;
            }
        }
        assertThat(shed).isBetween(48_000, 52_000); // 100,000 draws: σ ≈ 160
        assertThat(lag.shed(0)).isTrue();
        assertThat(lag.shed(-1)).isFalse();
    }
}
