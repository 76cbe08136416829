package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MicrometerPipelineMetricsTest {

  @Test
  void countsTransformOutcomesUnderOneNameTaggedByOutcome() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry);

    metrics.messageTransformed();
    metrics.messageTransformed();
    metrics.messageTransformed();
    metrics.messageDropped();
    metrics.messageDropped();
    metrics.transformFailed();

    assertThat(registry.counter("dcp.transform.messages", "outcome", "transformed").count())
        .isEqualTo(3.0);
    assertThat(registry.counter("dcp.transform.messages", "outcome", "dropped").count())
        .isEqualTo(2.0);
    assertThat(registry.counter("dcp.transform.messages", "outcome", "failed").count())
        .isEqualTo(1.0);
  }
}
