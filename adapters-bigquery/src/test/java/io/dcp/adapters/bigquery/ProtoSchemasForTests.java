package io.dcp.adapters.bigquery;

import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.TableSchema;

/** Converts core schemas to the Storage Write API's table schema, for client-library oracles. */
final class ProtoSchemasForTests {
  private ProtoSchemasForTests() {}

  static com.google.cloud.bigquery.storage.v1.TableSchema toProto(TableSchema schema) {
    var builder = com.google.cloud.bigquery.storage.v1.TableSchema.newBuilder();
    schema.fields().forEach(f -> builder.addFields(field(f)));
    return builder.build();
  }

  private static TableFieldSchema field(Field field) {
    var builder =
        TableFieldSchema.newBuilder()
            .setName(field.name())
            .setMode(TableFieldSchema.Mode.valueOf(field.mode().name()))
            .setType(
                switch (field.type()) {
                  case FLOAT64 -> TableFieldSchema.Type.DOUBLE;
                  default -> TableFieldSchema.Type.valueOf(field.type().standardName());
                });
    field.fields().forEach(f -> builder.addFields(field(f)));
    return builder.build();
  }
}
