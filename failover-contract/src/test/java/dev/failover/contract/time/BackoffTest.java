package dev.failover.contract.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one retry policy: doubling up to a cap, plus jitter; a throttled backend with a longer cap and spread delays. */
class BackoffTest {

    static Backoff backoff(double random) {
        return new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(100), () -> random,
                Duration.ofSeconds(30));
    }

    static Stream<Arguments> delays() {
        return Stream.of(
                // attempt, random, after (ms), after throttled (ms)
                Arguments.of(1, 0.0, 200, 200),
                Arguments.of(3, 0.0, 800, 800),
                Arguments.of(4, 0.0, 1000, 1600),
                Arguments.of(9, 0.0, 1000, 30000),
                Arguments.of(40, 0.0, 1000, 30000),
                // with the most jitter: up to 100 ms more; a throttled delay loses up to half of itself first
                Arguments.of(1, 1.0, 300, 200),
                Arguments.of(9, 1.0, 1100, 15100),
                Arguments.of(9, 0.5, 1050, 22550));
    }

    @ParameterizedTest(name = "attempt {0}, random {1}: {2} ms, throttled {3} ms")
    @MethodSource("delays")
    void delaysDoubleUpToTheirCap(int attempt, double random, long after, long afterThrottled) {
        assertThat(backoff(random).after(attempt).toMillis()).isEqualTo(after);
        assertThat(backoff(random).afterThrottled(attempt).toMillis()).isEqualTo(afterThrottled);
    }

    @ParameterizedTest(name = "attempt {0}")
    @MethodSource("delays")
    void withoutAThrottlingCapThrottlingIsWaitedForAsAnyFailure(int attempt, double random, long after, long ignored) {
        Backoff plain = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0);
        assertThat(plain.throttledMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(plain.afterThrottled(attempt)).isEqualTo(plain.after(attempt));
    }
}
