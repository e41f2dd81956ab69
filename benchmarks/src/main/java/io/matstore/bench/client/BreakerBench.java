package io.matstore.bench.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.matstore.client.NodeBreaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a circuit breaker costs each lookup of the client: take the permission, report a success. The client's own
 * {@code Breaker} (consecutive failures, three atomics) beside Resilience4j 2.4.0's {@code CircuitBreaker} with a
 * count-based window of 100 calls and a slow-call duration, as the client would configure it; 2 threads, as two
 * I/O threads answering share one node's breaker.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar BreakerBench -prof gc
 * </pre>
 * Reading: ns/op and gc.alloc.rate.norm (B/op, should be 0 on the request path). docs/client.md has the figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class BreakerBench {
    private NodeBreaker ours;
    private CircuitBreaker r4j;

    @Setup
    public void setUp() {
        ours = new NodeBreaker(5, 1_000_000_000L, System::nanoTime);
        r4j = CircuitBreaker.of(
                "node",
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(100)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofSeconds(1))
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .build());
    }

    @Benchmark
    public boolean ownBreaker() {
        boolean ok = ours.tryAcquire();
        ours.onSuccess();
        return ok;
    }

    @Benchmark
    public boolean resilience4j() {
        boolean ok = r4j.tryAcquirePermission();
        r4j.onSuccess(300_000, TimeUnit.NANOSECONDS);
        return ok;
    }
}
