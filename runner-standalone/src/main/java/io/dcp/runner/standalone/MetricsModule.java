package io.dcp.runner.standalone;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.port.PipelineMetrics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Wires the metrics backend the {@code metrics} section names: a Prometheus registry scraped at the
 * admin server, or a StatsD registry pushing lines over UDP (Datadog, Etsy or Telegraf flavor),
 * each line sent as it is recorded ({@link UdpLineSink}), both with the configured common tags.
 */
final class MetricsModule extends AbstractModule {
  private final DcpConfig.Metrics config;

  MetricsModule(DcpConfig.Metrics config) {
    this.config = config;
  }

  @Provides
  @Singleton
  MeterRegistry registry() {
    MeterRegistry registry =
        config.backend().equals("statsd")
            ? StatsdMeterRegistry.builder(statsdConfig())
                .clock(Clock.SYSTEM)
                .lineSink(new UdpLineSink(config.statsdHost(), config.statsdPort()))
                .build()
            : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Tag> tags =
        config.tags().entrySet().stream()
            .sorted(java.util.Map.Entry.comparingByKey())
            .map(e -> Tag.of(e.getKey(), e.getValue()))
            .toList();
    registry.config().commonTags(tags);
    return registry;
  }

  @Provides
  @Singleton
  PipelineMetrics metrics(MeterRegistry registry) {
    return new MicrometerPipelineMetrics(registry);
  }

  private StatsdConfig statsdConfig() {
    StatsdFlavor flavor = StatsdFlavor.valueOf(config.statsdFlavor().toUpperCase(Locale.ROOT));
    return new StatsdConfig() {
      @Override
      public String get(String key) {
        return null;
      }

      @Override
      public StatsdFlavor flavor() {
        return flavor;
      }

      @Override
      public String host() {
        return config.statsdHost();
      }

      @Override
      public int port() {
        return config.statsdPort();
      }

      @Override
      public Duration pollingFrequency() {
        return config.statsdPollingFrequency();
      }
    };
  }
}
