package io.dcp.core.config;

/**
 * Reads {@code source.type}: where messages come from. The settings of each type ({@code
 * source.ndjson}, {@code source.http}, {@code source.pubsub}) belong to the sections of the adapter
 * modules.
 */
final class SourceSection {
  private SourceSection() {}

  static DcpConfig.Source read(ConfigReader r) {
    return new DcpConfig.Source(
        SourceType.named(r.choice("source.type", "ndjson", "http", "pubsub")));
  }
}
