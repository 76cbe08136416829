package io.dcp.core.config;

/** What {@code source.type} names: where messages come from. */
public sealed interface SourceType {
  /** NDJSON files or standard input. */
  SourceType NDJSON = new Ndjson();

  /** The Pub/Sub REST publish endpoint dcp serves. */
  SourceType HTTP = new Http();

  /** A Pub/Sub subscription, by streaming pull. */
  SourceType PUBSUB = new PubSub();

  /** The value of {@code source.type} for this type. */
  String name();

  /** The type {@code name} (a value of {@code source.type}) names. */
  static SourceType named(String name) {
    return switch (name) {
      case "ndjson" -> NDJSON;
      case "http" -> HTTP;
      case "pubsub" -> PUBSUB;
      default -> throw new IllegalArgumentException("not a source.type: " + name);
    };
  }

  /** {@code ndjson}. */
  record Ndjson() implements SourceType {
    @Override
    public String name() {
      return "ndjson";
    }
  }

  /** {@code http}. */
  record Http() implements SourceType {
    @Override
    public String name() {
      return "http";
    }
  }

  /** {@code pubsub}. */
  record PubSub() implements SourceType {
    @Override
    public String name() {
      return "pubsub";
    }
  }
}
