package io.matstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void shouldAllowTheBurstThenAboutOneRetryPerTenSuccesses() {
        RetryBudget budget = new RetryBudget(0.1, 0, now::get);
        int burst = 0;
        while (budget.tryAcquire()) {
            burst++;
        }
        assertThat(burst).isEqualTo(50);
        int retries = 0;
        for (int i = 0; i < 10_000; i++) {
            budget.onSuccess();
            if (budget.tryAcquire()) {
                retries++;
            }
        }
        assertThat(retries).isEqualTo(1000);
        assertThat(budget.exhausted()).isEqualTo(1 + 9000);
    }

    @Test
    void shouldGrantTheFloorRateWhenNothingSucceeds() {
        RetryBudget budget = new RetryBudget(0.1, 2, now::get);
        while (budget.tryAcquire()) {
            // spend the initial burst
        }
        int retries = 0;
        for (int second = 0; second < 10; second++) {
            now.addAndGet(1_000_000_000L);
            while (budget.tryAcquire()) {
                retries++;
            }
        }
        assertThat(retries).isEqualTo(20);
    }

    @Test
    void shouldNeverHoldMoreThanItsCapacity() {
        RetryBudget budget = new RetryBudget(0.1, 2, now::get);
        for (int i = 0; i < 100_000; i++) {
            budget.onSuccess();
        }
        now.addAndGet(3_600_000_000_000L);
        assertThat(budget.tokens()).isEqualTo(50.0);
    }
}
