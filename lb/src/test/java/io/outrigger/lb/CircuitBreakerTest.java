package io.outrigger.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    @Test
    void requestsBeyondMaxRequestsOverflowUntilOneIsReleased() {
        CircuitBreaker cb = new CircuitBreaker(new CircuitBreakerThresholds(1024, 1024, 2, 3, null));
        assertThat(cb.tryAcquireRequest()).isTrue();
        assertThat(cb.tryAcquireRequest()).isTrue();
        assertThat(cb.tryAcquireRequest()).isFalse();
        assertThat(cb.requestOverflow()).isEqualTo(1);
        cb.releaseRequest();
        assertThat(cb.tryAcquireRequest()).isTrue();
    }

    @Test
    void envoyDefaultsAre1024ConnectionsPendingAndRequestsAnd3Retries() {
        CircuitBreaker cb = CircuitBreakers.defaults().forPriority(CircuitBreakers.RoutingPriority.DEFAULT);
        for (int i = 0; i < 3; i++) {
            assertThat(cb.tryAcquireRetry()).isTrue();
        }
        assertThat(cb.tryAcquireRetry()).isFalse();
        for (int i = 0; i < 1024; i++) {
            assertThat(cb.tryAcquireConnection()).isTrue();
        }
        assertThat(cb.tryAcquireConnection()).isFalse();
        assertThat(cb.connectionOverflow()).isEqualTo(1);
    }

    @Test
    void highPriorityHasItsOwnLimits() {
        CircuitBreakers cbs = new CircuitBreakers(Map.of(CircuitBreakers.RoutingPriority.DEFAULT,
                new CircuitBreakerThresholds(1, 1, 1, 0, null)));
        CircuitBreaker low = cbs.forPriority(CircuitBreakers.RoutingPriority.DEFAULT);
        CircuitBreaker high = cbs.forPriority(CircuitBreakers.RoutingPriority.HIGH);
        assertThat(low.tryAcquirePendingRequest()).isTrue();
        assertThat(low.tryAcquirePendingRequest()).isFalse();
        assertThat(high.tryAcquirePendingRequest()).isTrue();
        assertThat(high.tryAcquirePendingRequest()).isTrue();
    }

    @Test
    void retryBudgetAllowsTwentyPercentOfActiveRequestsButAtLeastMinConcurrency() {
        CircuitBreaker cb = new CircuitBreaker(new CircuitBreakerThresholds(1024, 1024, 1024, 3,
                CircuitBreakerThresholds.RetryBudget.DEFAULT));
        // Idle: min_retry_concurrency 3.
        assertThat(cb.maxRetries()).isEqualTo(3);
        for (int i = 0; i < 100; i++) {
            cb.tryAcquireRequest();
        }
        for (int i = 0; i < 50; i++) {
            cb.tryAcquirePendingRequest();
        }
        // 20% of (100 active + 50 pending) = 30 concurrent retries.
        assertThat(cb.maxRetries()).isEqualTo(30);
        int granted = 0;
        while (cb.tryAcquireRetry()) {
            granted++;
        }
        assertThat(granted).isEqualTo(30);
        assertThat(cb.retryOverflow()).isEqualTo(1);
    }

    @Test
    void releaseNeverDrivesCountersNegative() {
        CircuitBreaker cb = new CircuitBreaker(CircuitBreakerThresholds.DEFAULT);
        cb.releaseRequest();
        assertThat(cb.requests()).isZero();
    }

    @Test
    void concurrentAcquiresNeverExceedTheLimit() throws InterruptedException {
        CircuitBreaker cb = new CircuitBreaker(new CircuitBreakerThresholds(1024, 1024, 100, 3, null));
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (cb.tryAcquireRequest()) {
                        granted.incrementAndGet();
                    }
                }
                done.countDown();
            });
        }
        done.await();
        assertThat(granted.get()).isEqualTo(100);
        assertThat(cb.requests()).isEqualTo(100);
    }
}
