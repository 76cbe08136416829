package io.dcp.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row of typed values for a table schema, keyed by column name in schema order.
 *
 * <p>A column that is NULL is absent from the map (collections hold no nulls). Values are Java
 * types chosen per BigQuery type:
 *
 * <table>
 *   <caption>column value types</caption>
 *   <tr><th>BigQuery type</th><th>Java type</th></tr>
 *   <tr><td>STRING, GEOGRAPHY</td><td>{@link String}</td></tr>
 *   <tr><td>JSON</td><td>{@link String} holding compact JSON text</td></tr>
 *   <tr><td>BYTES</td><td>{@link Bytes}</td></tr>
 *   <tr><td>INT64</td><td>{@link Long}</td></tr>
 *   <tr><td>FLOAT64</td><td>{@link Double}</td></tr>
 *   <tr><td>NUMERIC, BIGNUMERIC</td><td>{@link java.math.BigDecimal}, trailing zeros stripped,
 *       scale never negative</td></tr>
 *   <tr><td>BOOL</td><td>{@link Boolean}</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@link java.time.Instant}, microsecond precision</td></tr>
 *   <tr><td>DATE</td><td>{@link java.time.LocalDate}</td></tr>
 *   <tr><td>TIME</td><td>{@link java.time.LocalTime}, microsecond precision</td></tr>
 *   <tr><td>DATETIME</td><td>{@link java.time.LocalDateTime}, microsecond precision</td></tr>
 *   <tr><td>STRUCT (RECORD)</td><td>a nested {@link Row}</td></tr>
 *   <tr><td>REPEATED of T</td><td>an immutable {@link java.util.List} of T, never null
 *       elements</td></tr>
 * </table>
 */
public final class Row {
  private static final Row EMPTY = new Row(Map.of());

  private final Map<String, Object> values;

  private Row(Map<String, Object> values) {
    this.values = values;
  }

  /** Returns a row holding a copy of {@code values}, in their iteration order. */
  public static Row of(Map<String, ?> values) {
    var copy = new LinkedHashMap<String, Object>(values.size() * 2);
    values.forEach((k, v) -> copy.put(requireNonNull(k, "column"), requireNonNull(v, k)));
    return new Row(Collections.unmodifiableMap(copy));
  }

  /** Returns the row with no column set. */
  public static Row empty() {
    return EMPTY;
  }

  /** Starts a row; columns keep the order they are set in. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the value of {@code column}, or null when the column is NULL. */
  public Object get(String column) {
    return values.get(column);
  }

  /** Returns the non-null columns in schema order; the map is unmodifiable. */
  public Map<String, Object> values() {
    return values;
  }

  /** Returns the number of non-null columns. */
  public int size() {
    return values.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && values.equals(r.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Row" + values;
  }

  /** Accumulates the columns of one row; not thread-safe, single use. */
  public static final class Builder {
    private LinkedHashMap<String, Object> values = new LinkedHashMap<>();

    private Builder() {}

    /** Sets {@code column} to {@code value}; a null value leaves the column NULL. */
    public Builder set(String column, Object value) {
      requireNonNull(column, "column");
      if (value != null) {
        values.put(column, value);
      }
      return this;
    }

    /** Returns the row; the builder must not be used afterwards. */
    public Row build() {
      var row = values.isEmpty() ? EMPTY : new Row(Collections.unmodifiableMap(values));
      values = null;
      return row;
    }
  }
}
