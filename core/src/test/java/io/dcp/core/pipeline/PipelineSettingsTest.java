package io.dcp.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {

  @Test
  void defaultsSuitNearRealTime() {
    PipelineSettings defaults = PipelineSettings.defaults();

    assertThat(defaults.maxBatchLatency()).isLessThan(Duration.ofSeconds(1));
    assertThat(defaults.maxBatchRows()).isEqualTo(500);
    assertThat(defaults.maxInFlightMessages()).isEqualTo(10_000);
    assertThat(defaults.dedupWindowSize()).isZero();
  }

  @Test
  void rejectsNonPositiveBoundsNamingTheField() {
    PipelineSettings d = PipelineSettings.defaults();

    assertThatThrownBy(() -> d.withBatch(0, 1, Duration.ofMillis(1)))
        .hasMessage("maxBatchRows must be > 0: 0");
    assertThatThrownBy(() -> d.withInFlight(10, -1)).hasMessage("maxInFlightBytes must be > 0: -1");
    assertThatThrownBy(() -> d.withWriteThreads(0)).hasMessage("writeThreads must be > 0: 0");
    assertThatThrownBy(() -> d.withBatch(1, 1, Duration.ZERO))
        .hasMessage("maxBatchLatency must be > 0: PT0S");
    assertThatThrownBy(() -> d.withDedupWindowSize(-1))
        .hasMessage("dedupWindowSize must be >= 0: -1");
  }
}
