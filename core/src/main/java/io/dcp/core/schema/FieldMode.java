package io.dcp.core.schema;

import java.util.Locale;
import java.util.Optional;

/** Whether a column may be NULL, must be set, or holds an array. */
public enum FieldMode {
  NULLABLE,
  REQUIRED,
  REPEATED;

  /** Parses a mode name ignoring case; empty when unknown. An absent mode means NULLABLE. */
  public static Optional<FieldMode> parse(String name) {
    try {
      return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
