package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoopCpuTest {
    private static final long MS = 1_000_000;
    private final AtomicLong wall = new AtomicLong(1_000 * MS);
    private final AtomicLong cpu = new AtomicLong();
    private final LoopCpu loops = new LoopCpu(0.8, 20 * MS, wall::get, cpu::get);
    private final Runnable probe = loops.probe();

    {
        probe.run(); // the loop's first reading: its CPU clock's origin
    }

    /** One loop busy {@code busyShare} of an interval, read four times over it (the last reading closes it). */
    private void interval(double busyShare) {
        for (int i = 0; i < 4; i++) {
            wall.addAndGet(5 * MS);
            cpu.addAndGet((long) (busyShare * 5 * MS));
            probe.run();
        }
    }

    @Test
    void shouldMeasureUtilisationAsCpuTimeOverWallTimeOfTheInterval() {
        interval(0.5);

        assertThat(loops.utilisation()).isCloseTo(0.5, within(1e-9));
        assertThat(loops.shedProbability()).isZero();
    }

    @Test
    void shouldNotShedBelowTheTarget() {
        for (int i = 0; i < 20; i++) {
            interval(0.79);
        }

        assertThat(loops.shedProbability()).isZero();
        assertThat(loops.shed()).isFalse();
    }

    @Test
    void shouldRaiseTheShedProbabilityInProportionToTheExcessUtilisation() {
        interval(1.0);
        interval(1.0); // steady at 1.25 U: only the α term, 1/16 · 0.25
        double p = loops.shedProbability();
        interval(1.0);

        assertThat(loops.shedProbability() - p).isCloseTo(0.25 / 16, within(1e-6));
    }

    @Test
    void shouldFollowTheBusiestLoopNotTheAverage() {
        long[] cpuOf = new long[2];
        int[] running = new int[1];
        LoopCpu two = new LoopCpu(0.8, 20 * MS, wall::get, () -> cpuOf[running[0]]);
        Runnable idle = two.probe();
        Runnable busy = two.probe();
        idle.run();
        running[0] = 1;
        busy.run();
        for (int i = 0; i < 4; i++) { // one loop idle, the other busy all the time
            wall.addAndGet(5 * MS);
            cpuOf[1] += 5 * MS;
            running[0] = 1;
            busy.run();
            running[0] = 0;
            idle.run();
        }

        // the busy loop's reading closes the interval: 20 ms on a CPU of its 20 ms (the average would be 20 of 35)
        assertThat(two.utilisation()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldHoldTheShedProbabilityAtTheTargetAndDropItBelow() {
        for (int i = 0; i < 30; i++) {
            interval(1.0);
        }
        interval(0.8);
        double p = loops.shedProbability();
        interval(0.8);
        interval(0.8);
        assertThat(p).isGreaterThan(0.3);
        assertThat(loops.shedProbability()).isCloseTo(p, within(1e-6));

        for (int i = 0; i < 40; i++) {
            interval(0.2);
        }
        assertThat(loops.shedProbability()).isZero();
    }

    @Test
    void shouldShedWhileTheLoopsAreBusyWithNothingInFlight() {
        LoadShedder shedder = new LoadShedder(100, 0.5, 1_000, () -> wall.get() / MS, null, null, loops);
        for (int i = 0; i < 60; i++) {
            interval(1.0);
        }
        assertThat(loops.shedProbability()).isCloseTo(1.0, within(1e-6));
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            if (shedder.tryAcquire()) {
                admitted++;
                shedder.release();
            }
        }

        assertThat(admitted).isBetween(49, 51); // the rejection cap still admits half
        assertThat(shedder.inFlight()).isZero();
    }

    @Test
    void shouldRejectATargetOutsideZeroToOne() {
        assertThatThrownBy(() -> new LoopCpu(0, 20 * MS, wall::get, cpu::get))
                .hasMessage("target=0.0 intervalNanos=20000000: need 0 < target <= 1 and intervalNanos > 0");
        assertThatThrownBy(() -> new LoopCpu(1.5, 20 * MS, wall::get, cpu::get))
                .hasMessage("target=1.5 intervalNanos=20000000: need 0 < target <= 1 and intervalNanos > 0");
    }
}
