package io.dcp.core.mapping;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How messages map to rows: the {@code mapping} section of the config.
 *
 * @param mode {@code raw} or {@code typed}
 * @param unknownFields what typed mode does with fields that have no column
 * @param keepColumn the JSON column that gathers unknown fields when {@code unknownFields} is KEEP
 * @param columns columns filled from somewhere other than the same-named payload field, in config
 *     order
 * @param explodeArrays when true, a payload that is a JSON array yields one row per element
 * @param maxPayloadBytes payloads larger than this are dead-lettered at the decode stage
 * @param maxDepth JSON nested deeper than this is dead-lettered at the parse stage; at most {@link
 *     #MAX_DEPTH}
 */
public record MappingConfig(
    MappingMode mode,
    UnknownFields unknownFields,
    String keepColumn,
    Map<String, ColumnSource> columns,
    boolean explodeArrays,
    int maxPayloadBytes,
    int maxDepth) {

  /** 10 MB: Pub/Sub's own message size limit. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

  /** Deeper than BigQuery's 15 levels of RECORD, so JSON columns still take nested values. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  /**
   * The deepest {@code maxDepth}: Jackson's default nesting limit for reading and for writing
   * ({@code StreamReadConstraints}, {@code StreamWriteConstraints}), which every JSON column value
   * and dead letter is written with.
   */
  public static final int MAX_DEPTH =
      Math.min(
          com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_DEPTH,
          com.fasterxml.jackson.core.StreamWriteConstraints.DEFAULT_MAX_DEPTH);

  /** The default column that gathers unknown fields. */
  public static final String DEFAULT_KEEP_COLUMN = "_unknown_fields";

  public MappingConfig {
    requireNonNull(mode, "mode");
    requireNonNull(unknownFields, "unknownFields");
    requireNonNull(keepColumn, "keepColumn");
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException("maxPayloadBytes must be > 0: " + maxPayloadBytes);
    }
    if (maxDepth <= 0 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "maxDepth must be between 1 and " + MAX_DEPTH + ": " + maxDepth);
    }
  }

  /** Typed mode, unknown fields ignored, no column sources, no explode, default limits. */
  public static MappingConfig typed() {
    return new MappingConfig(
        MappingMode.TYPED,
        UnknownFields.IGNORE,
        DEFAULT_KEEP_COLUMN,
        Map.of(),
        false,
        DEFAULT_MAX_PAYLOAD_BYTES,
        DEFAULT_MAX_DEPTH);
  }

  /**
   * Raw mode: {@code payloadColumn} takes the whole payload and {@code arrivalColumn} the ingestion
   * time, as the original system's table had them.
   */
  public static MappingConfig raw(String payloadColumn, String arrivalColumn) {
    var columns = new LinkedHashMap<String, ColumnSource>();
    columns.put(arrivalColumn, new ColumnSource.Metadata(MetadataField.INGESTED_AT));
    columns.put(payloadColumn, new ColumnSource.Metadata(MetadataField.PAYLOAD));
    return new MappingConfig(
        MappingMode.RAW,
        UnknownFields.IGNORE,
        DEFAULT_KEEP_COLUMN,
        columns,
        false,
        DEFAULT_MAX_PAYLOAD_BYTES,
        DEFAULT_MAX_DEPTH);
  }

  public MappingConfig withUnknownFields(UnknownFields policy) {
    return new MappingConfig(
        mode, policy, keepColumn, columns, explodeArrays, maxPayloadBytes, maxDepth);
  }

  public MappingConfig withKeepColumn(String column) {
    return new MappingConfig(
        mode, unknownFields, column, columns, explodeArrays, maxPayloadBytes, maxDepth);
  }

  /** Returns this config with one more column source, after the existing ones. */
  public MappingConfig withColumn(String column, ColumnSource source) {
    var all = new LinkedHashMap<>(columns);
    all.put(column, source);
    return new MappingConfig(
        mode, unknownFields, keepColumn, all, explodeArrays, maxPayloadBytes, maxDepth);
  }

  public MappingConfig withExplodeArrays(boolean explode) {
    return new MappingConfig(
        mode, unknownFields, keepColumn, columns, explode, maxPayloadBytes, maxDepth);
  }

  public MappingConfig withMaxPayloadBytes(int bytes) {
    return new MappingConfig(
        mode, unknownFields, keepColumn, columns, explodeArrays, bytes, maxDepth);
  }

  public MappingConfig withMaxDepth(int depth) {
    return new MappingConfig(
        mode, unknownFields, keepColumn, columns, explodeArrays, maxPayloadBytes, depth);
  }
}
