package io.dcp.core.config;

/**
 * Where dead letters go, as {@code deadLetter.type} names it once read: {@code duckdb-table} and
 * {@code bigquery-table} are {@code table} checked against {@code sink.type}.
 */
public sealed interface DeadLetterType {
  /** A table in the sink's warehouse. */
  DeadLetterType TABLE = new Table();

  /** A Pub/Sub topic. */
  DeadLetterType PUBSUB_TOPIC = new PubSubTopic();

  /** The value of {@code deadLetter.type} for this type. */
  String name();

  /** The type {@code name} ({@code table} or {@code pubsub-topic}) names. */
  static DeadLetterType named(String name) {
    return switch (name) {
      case "table" -> TABLE;
      case "pubsub-topic" -> PUBSUB_TOPIC;
      default -> throw new IllegalArgumentException("not a deadLetter.type: " + name);
    };
  }

  /** {@code table}. */
  record Table() implements DeadLetterType {
    @Override
    public String name() {
      return "table";
    }
  }

  /** {@code pubsub-topic}. */
  record PubSubTopic() implements DeadLetterType {
    @Override
    public String name() {
      return "pubsub-topic";
    }
  }
}
