package io.dcp.core.schema;

import java.util.Locale;
import java.util.Optional;

/**
 * A BigQuery column type. Both the legacy names ({@code INTEGER}, {@code FLOAT}, {@code BOOLEAN},
 * {@code RECORD}) and the standard SQL names are accepted by {@link #parse}.
 */
public enum FieldType {
  STRING("STRING"),
  BYTES("BYTES"),
  INT64("INTEGER"),
  FLOAT64("FLOAT"),
  NUMERIC("NUMERIC"),
  BIGNUMERIC("BIGNUMERIC"),
  BOOL("BOOLEAN"),
  TIMESTAMP("TIMESTAMP"),
  DATE("DATE"),
  TIME("TIME"),
  DATETIME("DATETIME"),
  JSON("JSON"),
  GEOGRAPHY("GEOGRAPHY"),
  STRUCT("RECORD");

  private final String legacyName;

  FieldType(String legacyName) {
    this.legacyName = legacyName;
  }

  /** Returns the name {@code bq show --schema} prints (INTEGER, FLOAT, BOOLEAN, RECORD...). */
  public String legacyName() {
    return legacyName;
  }

  /** Returns the standard SQL name (INT64, FLOAT64, BOOL, STRUCT...). */
  public String standardName() {
    return name();
  }

  /** Parses a type name in either spelling, ignoring case; empty when unknown. */
  public static Optional<FieldType> parse(String name) {
    String upper = name.trim().toUpperCase(Locale.ROOT);
    for (FieldType type : values()) {
      if (type.name().equals(upper) || type.legacyName.equals(upper)) {
        return Optional.of(type);
      }
    }
    return switch (upper) {
      case "BIGDECIMAL" -> Optional.of(BIGNUMERIC);
      case "DECIMAL" -> Optional.of(NUMERIC);
      default -> Optional.empty();
    };
  }
}
