package io.dcp.adapters.bigquery;

import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Converts the Storage Write API's table schema (sent as {@code updated_schema}) to core's. */
final class StorageSchemas {
  private StorageSchemas() {}

  static TableSchema fromProto(com.google.cloud.bigquery.storage.v1.TableSchema schema) {
    return new TableSchema(fields(schema.getFieldsList()));
  }

  /** Returns true when every column of {@code wanted} is in {@code have} with its type and mode. */
  static boolean covers(List<Field> have, List<Field> wanted) {
    for (Field w : wanted) {
      Optional<Field> h =
          have.stream().filter(f -> f.name().equalsIgnoreCase(w.name())).findFirst();
      if (h.isEmpty()
          || h.get().type() != w.type()
          || h.get().mode() != w.mode()
          || !covers(h.get().fields(), w.fields())) {
        return false;
      }
    }
    return true;
  }

  private static List<Field> fields(List<TableFieldSchema> protos) {
    var fields = new ArrayList<Field>();
    for (TableFieldSchema p : protos) {
      FieldMode mode =
          switch (p.getMode()) {
            case REQUIRED -> FieldMode.REQUIRED;
            case REPEATED -> FieldMode.REPEATED;
            default -> FieldMode.NULLABLE;
          };
      fields.add(
          new Field(
              p.getName(), type(p.getType()), mode, fields(p.getFieldsList()), p.getDescription()));
    }
    return fields;
  }

  private static FieldType type(TableFieldSchema.Type type) {
    return switch (type) {
      case STRING -> FieldType.STRING;
      case BYTES -> FieldType.BYTES;
      case INT64 -> FieldType.INT64;
      case DOUBLE -> FieldType.FLOAT64;
      case NUMERIC -> FieldType.NUMERIC;
      case BIGNUMERIC -> FieldType.BIGNUMERIC;
      case BOOL -> FieldType.BOOL;
      case TIMESTAMP -> FieldType.TIMESTAMP;
      case DATE -> FieldType.DATE;
      case TIME -> FieldType.TIME;
      case DATETIME -> FieldType.DATETIME;
      case JSON -> FieldType.JSON;
      case GEOGRAPHY -> FieldType.GEOGRAPHY;
      case STRUCT -> FieldType.STRUCT;
      default -> throw new IllegalArgumentException("unsupported BigQuery type " + type);
    };
  }
}
