package io.dcp.core.mapping;

import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a mapping config fits a table schema: every problem, each prefixed by its config key, so
 * that {@code dcp validate} and {@link JsonMessageMapper#create} report them all at once.
 */
final class MappingFit {
  private MappingFit() {}

  /** Returns every way {@code config} does not fit {@code schema}, each prefixed by its key. */
  static List<String> problems(TableSchema schema, MappingConfig config) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ColumnSource> e : config.columns().entrySet()) {
      String key = "mapping.columns." + e.getKey();
      Field field = schema.field(e.getKey()).orElse(null);
      if (field == null) {
        problems.add(key + ": column '" + e.getKey() + "' is not in the table schema");
        continue;
      }
      if (e.getValue() instanceof ColumnSource.Attribute
          && (field.isRepeated() || field.type() == FieldType.STRUCT)) {
        problems.add(
            key + ": an attribute is a string; it cannot fill a " + describe(field) + " column");
      }
      if (e.getValue() instanceof ColumnSource.Metadata m) {
        String fit = metadataFits(m.field(), field);
        if (fit != null) {
          problems.add(key + ": metadata:" + m.field().label() + " " + fit);
        }
      }
    }
    if (config.mode() == MappingMode.RAW) {
      boolean hasPayload =
          config.columns().values().stream()
              .anyMatch(
                  s -> s instanceof ColumnSource.Metadata m && m.field() == MetadataField.PAYLOAD);
      if (!hasPayload) {
        problems.add(
            "mapping.columns: raw mode needs a column with source metadata:payload (mapping.payloadColumn)");
      }
      for (Field f : schema.fields()) {
        if (f.mode() == FieldMode.REQUIRED && sourceOf(config, f.name()) == null) {
          problems.add(
              "mapping.columns."
                  + f.name()
                  + ": REQUIRED column has no source in raw mode; give it one or make it NULLABLE");
        }
      }
    }
    if (config.mode() == MappingMode.TYPED && config.unknownFields() == UnknownFields.KEEP) {
      Field keep = schema.field(config.keepColumn()).orElse(null);
      if (keep == null) {
        problems.add(
            "mapping.keepColumn: column '"
                + config.keepColumn()
                + "' is not in the table schema; add it as a JSON column");
      } else if ((keep.type() != FieldType.JSON && keep.type() != FieldType.STRING)
          || keep.isRepeated()) {
        problems.add(
            "mapping.keepColumn: column '"
                + keep.name()
                + "' must be JSON or STRING, not "
                + describe(keep));
      } else if (keep.mode() == FieldMode.REQUIRED) {
        problems.add(
            "mapping.keepColumn: column '"
                + keep.name()
                + "' is REQUIRED, but it is NULL for every message without unknown fields;"
                + " make it a NULLABLE JSON column of its own");
      } else if (config.columns().keySet().stream()
          .anyMatch(k -> k.equalsIgnoreCase(keep.name()))) {
        problems.add(
            "mapping.keepColumn: column '"
                + keep.name()
                + "' also has a source in mapping.columns");
      }
    }
    return problems;
  }

  private static String metadataFits(MetadataField source, Field field) {
    if (field.isRepeated() || field.type() == FieldType.STRUCT) {
      return "cannot fill a " + describe(field) + " column";
    }
    Set<FieldType> allowed =
        switch (source) {
          case MESSAGE_ID, ORDERING_KEY, SUBSCRIPTION -> Set.of(FieldType.STRING);
          case PUBLISH_TIME, INGESTED_AT ->
              Set.of(FieldType.TIMESTAMP, FieldType.DATETIME, FieldType.STRING);
          case ATTRIBUTES, PAYLOAD -> Set.of(FieldType.JSON, FieldType.STRING);
          case DELIVERY_ATTEMPT -> Set.of(FieldType.INT64);
        };
    return allowed.contains(field.type())
        ? null
        : "goes into a column of type "
            + allowed.stream().map(Enum::name).sorted().toList()
            + ", not "
            + field.type();
  }

  private static String describe(Field f) {
    return (f.isRepeated() ? "REPEATED " : "") + f.type().name();
  }

  /** The source {@code config} gives {@code column}: by exact name, else case-insensitively. */
  static ColumnSource sourceOf(MappingConfig config, String column) {
    ColumnSource exact = config.columns().get(column);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, ColumnSource> e : config.columns().entrySet()) {
      if (e.getKey().equalsIgnoreCase(column)) {
        return e.getValue();
      }
    }
    return null;
  }
}
