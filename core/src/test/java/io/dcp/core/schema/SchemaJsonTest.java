package io.dcp.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaJsonTest {

  @Test
  void readsBothTypeSpellingsModesAndNestedRecords() throws Exception {
    TableSchema schema = SchemaJson.read(Path.of("src/test/resources/schemas/quote.json"));

    assertThat(schema.fields())
        .extracting(Field::name, Field::type, Field::mode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("symbol", FieldType.STRING, FieldMode.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("exchange", FieldType.STRING, FieldMode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("bid", FieldType.FLOAT64, FieldMode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("ask", FieldType.FLOAT64, FieldMode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("size", FieldType.INT64, FieldMode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("ts", FieldType.TIMESTAMP, FieldMode.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("trade_date", FieldType.DATE, FieldMode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("tags", FieldType.STRING, FieldMode.REPEATED),
            org.assertj.core.groups.Tuple.tuple("venue", FieldType.STRUCT, FieldMode.NULLABLE));
    assertThat(schema.field("VENUE").orElseThrow().fields())
        .containsExactly(Field.of("id", FieldType.INT64), Field.of("name", FieldType.STRING));
    assertThat(schema.field("symbol").orElseThrow().description()).isEqualTo("ticker");
  }

  @Test
  void roundTripsEveryTypeAndModeThroughTheBqFormat() throws Exception {
    List<Field> all =
        java.util.Arrays.stream(FieldType.values())
            .filter(t -> t != FieldType.STRUCT)
            .map(t -> Field.of("c_" + t.name().toLowerCase(), t))
            .toList();
    TableSchema schema =
        new TableSchema(
            List.of(
                Field.struct("everything", FieldMode.REPEATED, all),
                Field.of("required", FieldType.TIMESTAMP, FieldMode.REQUIRED),
                Field.of("repeated", FieldType.NUMERIC, FieldMode.REPEATED)));

    String json = SchemaJson.write(schema);

    assertThat(SchemaJson.parse(json, "test")).isEqualTo(schema);
    assertThat(json)
        .contains("\"type\" : \"RECORD\"", "\"type\" : \"INTEGER\"", "\"mode\" : \"REPEATED\"");
  }

  @Test
  void acceptsTheApiObjectForm() throws Exception {
    assertThat(SchemaJson.parse("{\"fields\":[{\"name\":\"a\",\"type\":\"BOOL\"}]}", "t"))
        .isEqualTo(TableSchema.of(Field.of("a", FieldType.BOOL)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          [{"name":"a","type":"INTEGR"}]                 | a.type: unknown type 'INTEGR'; one of
          [{"name":"a"}]                                 | a.type: missing type; one of
          [{"type":"STRING"}]                            | [0].name: missing field name
          [{"name":"a","type":"STRING","mode":"OPT"}]    | a.mode: unknown mode 'OPT'; one of NULLABLE, REQUIRED, REPEATED
          [{"name":"a","type":"STRING","fields":[]}]     | a.fields: only RECORD fields have sub-fields, this one is STRING
          [{"name":"a","type":"RECORD","fields":[]}]     | a: a RECORD needs at least one sub-field
          [{"name":"a","type":"STRING"},{"name":"A","type":"INT64"}] | A: duplicate column name (names are case-insensitive)
          [{"name":"1a","type":"STRING"}]                | 1a: invalid column name
          [{"name":"_PARTITIONTIME","type":"STRING"}]    | _PARTITIONTIME: column names may not start with _PARTITION
          []                                             | the schema has no columns
          {"a":1}                                        | expected a JSON array of fields
          [{"name":                                      | not valid JSON
          """)
  void reportsEachProblemWithItsPath(String json, String expected) {
    assertThatThrownBy(() -> SchemaJson.parse(json, "s.json"))
        .isInstanceOf(SchemaException.class)
        .satisfies(
            e ->
                assertThat(((SchemaException) e).problems())
                    .anySatisfy(p -> assertThat(p.toString()).startsWith(expected)));
  }

  @Test
  void reportsNameProblemsBesideFieldsThatDoNotRead() {
    String json =
        """
        [{"name":"a","type":"NOPE"},{"name":"1bad-name","type":"STRING"},
         {"name":"x","type":"INT64"},{"name":"X","type":"INT64"}]
        """;

    assertThatThrownBy(() -> SchemaJson.parse(json, "s.json"))
        .isInstanceOf(SchemaException.class)
        .extracting(
            e -> ((SchemaException) e).problems().stream().map(SchemaProblem::path).toList())
        .isEqualTo(List.of("a.type", "1bad-name", "X"));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    String json =
        """
        [{"name":"a","type":"NOPE"},{"name":"b","type":"STRING","mode":"MAYBE"},
         {"name":"c","type":"RECORD","fields":[{"name":"d","type":"WHAT"}]}]
        """;

    assertThatThrownBy(() -> SchemaJson.parse(json, "s.json"))
        .isInstanceOf(SchemaException.class)
        .extracting(
            e -> ((SchemaException) e).problems().stream().map(SchemaProblem::path).toList())
        .isEqualTo(List.of("a.type", "b.mode", "c.d.type"));
  }

  @Test
  void rejectsRecordsNestedDeeperThanBigQueryAllows() {
    Field leaf = Field.of("leaf", FieldType.STRING);
    Field nested = leaf;
    for (int i = 0; i < 16; i++) {
      nested = Field.struct("r" + i, FieldMode.NULLABLE, List.of(nested));
    }

    assertThat(SchemaValidator.validate(TableSchema.of(nested)))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.message())
                    .isEqualTo("RECORD nested deeper than BigQuery's 15 levels"));
  }
}
