package io.dcp.core.config;

/** Reads the {@code metrics} section: the Micrometer backend, common tags and StatsD. */
final class MetricsSection {
  /** The open map of common tags. */
  static final String TAGS = "metrics.tags";

  private MetricsSection() {}

  static DcpConfig.Metrics read(ConfigReader r) {
    DcpConfig.Metrics metrics =
        new DcpConfig.Metrics(
            r.choice("metrics.backend", "prometheus", "statsd"),
            r.stringMap(TAGS, "env: prod", "env=prod,service=quotes"),
            r.string("metrics.statsd.host"),
            r.port("metrics.statsd.port"),
            r.choice("metrics.statsd.flavor", "datadog", "etsy", "telegraf"),
            r.duration("metrics.statsd.pollingFrequency"));
    if (metrics.backend().equals("statsd") && metrics.statsdHost().isBlank()) {
      r.problem(
          "metrics.statsd.host",
          "required when metrics.backend is statsd: the StatsD agent's host, e.g. 127.0.0.1");
    }
    return metrics;
  }
}
