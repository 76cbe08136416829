package io.dcp.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableSchemaTest {

  @Test
  void mergedAppendsMissingColumnsAndMissingStructSubFields() {
    TableSchema schema =
        TableSchema.of(
            Field.of("id", FieldType.INT64, FieldMode.REQUIRED),
            Field.struct("quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.FLOAT64))));

    TableSchema merged =
        schema.merged(
            List.of(
                Field.of("note", FieldType.STRING),
                Field.struct(
                    "QUOTE", FieldMode.NULLABLE, List.of(Field.of("ask", FieldType.FLOAT64)))));

    assertThat(merged)
        .isEqualTo(
            TableSchema.of(
                Field.of("id", FieldType.INT64, FieldMode.REQUIRED),
                Field.struct(
                    "quote",
                    FieldMode.NULLABLE,
                    List.of(
                        Field.of("bid", FieldType.FLOAT64), Field.of("ask", FieldType.FLOAT64))),
                Field.of("note", FieldType.STRING)));
  }

  @Test
  void mergedKeepsAnExistingColumnsTypeAndMode() {
    TableSchema schema = TableSchema.of(Field.of("v", FieldType.STRING, FieldMode.REQUIRED));

    assertThat(schema.merged(List.of(Field.of("V", FieldType.INT64)))).isEqualTo(schema);
  }

  @Test
  void mergedAddsSubFieldsToTheFirstColumnOfAName() {
    // Names match case-insensitively; when two columns answer to one name, the first one is the
    // column, as field(name) finds it.
    TableSchema schema =
        TableSchema.of(
            Field.struct("Quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.FLOAT64))),
            Field.struct("quote", FieldMode.NULLABLE, List.of(Field.of("ask", FieldType.FLOAT64))));

    TableSchema merged =
        schema.merged(
            List.of(
                Field.struct(
                    "quote", FieldMode.NULLABLE, List.of(Field.of("size", FieldType.INT64)))));

    assertThat(merged)
        .isEqualTo(
            TableSchema.of(
                Field.struct(
                    "Quote",
                    FieldMode.NULLABLE,
                    List.of(Field.of("bid", FieldType.FLOAT64), Field.of("size", FieldType.INT64))),
                Field.struct(
                    "quote", FieldMode.NULLABLE, List.of(Field.of("ask", FieldType.FLOAT64)))));
    assertThat(merged.field("quote")).isEqualTo(merged.fields().stream().findFirst());
  }
}
