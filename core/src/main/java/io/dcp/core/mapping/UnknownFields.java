package io.dcp.core.mapping;

/** What the typed mapping does with payload fields that have no column. */
public enum UnknownFields {
  /** Drop them silently (BigQuery's {@code ignoreUnknownValues}). */
  IGNORE,
  /** Dead-letter the message, naming the first unknown field. */
  REJECT,
  /** Gather them into one JSON column, so nothing is lost. */
  KEEP
}
