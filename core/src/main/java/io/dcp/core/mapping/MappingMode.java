package io.dcp.core.mapping;

/** How a payload becomes a row. */
public enum MappingMode {
  /** The whole payload goes to one STRING or JSON column, next to metadata columns. */
  RAW,
  /** Each JSON field goes to the column of the same name, coerced to its type. */
  TYPED
}
