package io.dcp.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {
  private static final RetryPolicy NO_JITTER =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.0, 8);

  @ParameterizedTest
  @CsvSource({"1, 100", "2, 200", "3, 400", "4, 800", "5, 1000", "8, 1000"})
  void growsExponentiallyUpToTheCap(int attempt, long expectedMillis) {
    assertThat(NO_JITTER.delay(attempt, RandomGenerator.getDefault()))
        .isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @Test
  void jitterStaysWithinItsFraction() {
    RetryPolicy policy =
        new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.2, 8);
    RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
    for (int i = 0; i < 1_000; i++) {
      assertThat(policy.delay(1, random)).isBetween(Duration.ofMillis(80), Duration.ofMillis(120));
    }
  }

  @Test
  void rejectsSettingsThatCannotWorkNamingTheKey() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0, 3))
        .hasMessageContaining("retry.maxBackoff");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ZERO, 0.5, 0, 3))
        .hasMessage("retry.multiplier must be >= 1: 0.5");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ZERO, 1, 1.5, 3))
        .hasMessage("retry.jitter must be between 0 and 1: 1.5");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ZERO, 1, 0, 0))
        .hasMessage("retry.maxAttempts must be >= 1: 0");
  }
}
