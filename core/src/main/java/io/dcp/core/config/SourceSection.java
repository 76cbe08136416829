package io.dcp.core.config;

import java.time.Duration;

/**
 * Reads the {@code source} section: its type and the settings of the NDJSON and HTTP sources. The
 * {@code source.pubsub} keys belong to adapters-pubsub's section; only the subscription is read
 * here, as the source's name.
 */
final class SourceSection {
  private SourceSection() {}

  static DcpConfig.Source read(ConfigReader r) {
    DcpConfig.Source source =
        new DcpConfig.Source(
            SourceType.named(r.choice("source.type", "ndjson", "http", "pubsub")),
            r.strings("source.ndjson.paths"),
            r.positiveInt("source.ndjson.maxAttempts"),
            r.string("source.http.host"),
            r.port("source.http.port"),
            r.strings("source.http.topics"),
            r.positiveLong("source.http.maxRequestBytes"),
            r.string("source.http.token"),
            r.duration("source.http.ackTimeout"),
            r.string("source.pubsub.subscription"));
    if (source.kind() instanceof SourceType.Ndjson && source.ndjsonPaths().isEmpty()) {
      r.problem(
          "source.ndjson.paths",
          "required: list the NDJSON files to read, or \"-\" for standard input");
    }
    Duration ackTimeout = source.httpAckTimeout();
    if (ackTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || ackTimeout.compareTo(Duration.ofHours(1)) > 0) {
      r.problem(
          "source.http.ackTimeout",
          "'"
              + r.string("source.http.ackTimeout")
              + "' is outside 1s to 1h: a request waits this long for its messages to be committed");
    }
    return source;
  }
}
