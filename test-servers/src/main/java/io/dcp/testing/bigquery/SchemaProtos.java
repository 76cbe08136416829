package io.dcp.testing.bigquery;

import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;

/** Converts core table schemas to the Storage Write API's {@code TableSchema} message. */
final class SchemaProtos {
  private SchemaProtos() {}

  static com.google.cloud.bigquery.storage.v1.TableSchema toProto(TableSchema schema) {
    var builder = com.google.cloud.bigquery.storage.v1.TableSchema.newBuilder();
    schema.fields().forEach(f -> builder.addFields(toProto(f)));
    return builder.build();
  }

  static TableFieldSchema toProto(Field field) {
    var builder =
        TableFieldSchema.newBuilder()
            .setName(field.name())
            .setType(type(field.type()))
            .setMode(
                switch (field.mode()) {
                  case NULLABLE -> TableFieldSchema.Mode.NULLABLE;
                  case REQUIRED -> TableFieldSchema.Mode.REQUIRED;
                  case REPEATED -> TableFieldSchema.Mode.REPEATED;
                })
            .setDescription(field.description());
    field.fields().forEach(f -> builder.addFields(toProto(f)));
    return builder.build();
  }

  static TableSchema fromProto(com.google.cloud.bigquery.storage.v1.TableSchema schema) {
    return new TableSchema(fields(schema.getFieldsList()));
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

  private static TableFieldSchema.Type type(FieldType type) {
    return switch (type) {
      case STRING -> TableFieldSchema.Type.STRING;
      case BYTES -> TableFieldSchema.Type.BYTES;
      case INT64 -> TableFieldSchema.Type.INT64;
      case FLOAT64 -> TableFieldSchema.Type.DOUBLE;
      case NUMERIC -> TableFieldSchema.Type.NUMERIC;
      case BIGNUMERIC -> TableFieldSchema.Type.BIGNUMERIC;
      case BOOL -> TableFieldSchema.Type.BOOL;
      case TIMESTAMP -> TableFieldSchema.Type.TIMESTAMP;
      case DATE -> TableFieldSchema.Type.DATE;
      case TIME -> TableFieldSchema.Type.TIME;
      case DATETIME -> TableFieldSchema.Type.DATETIME;
      case JSON -> TableFieldSchema.Type.JSON;
      case GEOGRAPHY -> TableFieldSchema.Type.GEOGRAPHY;
      case STRUCT -> TableFieldSchema.Type.STRUCT;
    };
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
      default -> throw new IllegalArgumentException("unsupported field type " + type);
    };
  }
}
