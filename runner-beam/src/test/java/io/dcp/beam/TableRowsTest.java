package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.TableRow;
import com.google.cloud.bigquery.storage.v1.BigDecimalByteStringEncoder;
import com.google.cloud.bigquery.storage.v1.CivilTimeEncoder;
import com.google.cloud.bigquery.storage.v1.TableSchema;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.SchemaJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowToStorageApiProto;
import org.junit.jupiter.api.Test;

/**
 * Core rows as TableRows, checked with BigQueryIO's own Storage Write encoder: every type must be
 * accepted and land as the value BigQuery stores.
 */
class TableRowsTest {
  static final io.dcp.core.schema.TableSchema SCHEMA =
      io.dcp.core.schema.TableSchema.of(
          Field.of("s", FieldType.STRING),
          Field.of("i", FieldType.INT64),
          Field.of("fl", FieldType.FLOAT64),
          Field.of("nan", FieldType.FLOAT64),
          Field.of("b", FieldType.BOOL),
          Field.of("n", FieldType.NUMERIC),
          Field.of("bn", FieldType.BIGNUMERIC),
          Field.of("raw", FieldType.BYTES),
          Field.of("ts", FieldType.TIMESTAMP),
          Field.of("d", FieldType.DATE),
          Field.of("dt", FieldType.DATETIME),
          Field.of("t", FieldType.TIME),
          Field.of("j", FieldType.JSON),
          Field.of("tags", FieldType.STRING, FieldMode.REPEATED),
          Field.struct(
              "venue",
              FieldMode.NULLABLE,
              List.of(Field.of("id", FieldType.INT64), Field.of("name", FieldType.STRING))));

  @Test
  void everyTypeIsAcceptedByBigQueryIoAndKeepsItsValue() throws Exception {
    Row row =
        Row.builder()
            .set("s", "é AAPL")
            .set("i", -9223372036854775808L)
            .set("fl", 189.42)
            .set("nan", Double.NaN)
            .set("b", true)
            .set("n", new BigDecimal("99999999999999999999999999999.999999999"))
            .set("bn", new BigDecimal("1e38"))
            .set("raw", Bytes.copyOf(new byte[] {0, 1, (byte) 0xff}))
            .set("ts", Instant.parse("2026-11-24T14:30:00.123456Z"))
            .set("d", LocalDate.parse("0001-01-01"))
            .set("dt", LocalDateTime.parse("2026-11-24T14:30:00"))
            .set("t", LocalTime.parse("23:59:59.999999"))
            .set("j", "{\"a\":[1,2]}")
            .set("tags", List.of("lit", "odd"))
            .set("venue", Row.builder().set("id", 7L).set("name", "XNAS").build())
            .build();

    TableRow tableRow = TableRows.of(row, SCHEMA.fields());

    assertThat(tableRow.get("ts")).isEqualTo("2026-11-24T14:30:00.123456Z");
    assertThat(tableRow.get("dt")).isEqualTo("2026-11-24T14:30:00.000000");
    assertThat(tableRow.get("n")).isEqualTo("99999999999999999999999999999.999999999");
    assertThat(tableRow.get("raw")).isEqualTo("AAH/");
    assertThat(tableRow.get("nan")).isEqualTo("NaN");
    DynamicMessage proto = encode(tableRow);
    Descriptor d = proto.getDescriptorForType();
    assertThat(proto.getField(d.findFieldByName("s"))).isEqualTo("é AAPL");
    assertThat(proto.getField(d.findFieldByName("i"))).isEqualTo(-9223372036854775808L);
    assertThat(proto.getField(d.findFieldByName("fl"))).isEqualTo(189.42);
    assertThat((Double) proto.getField(d.findFieldByName("nan"))).isNaN();
    assertThat(proto.getField(d.findFieldByName("b"))).isEqualTo(true);
    assertThat(proto.getField(d.findFieldByName("raw")))
        .isEqualTo(ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff}));
    assertThat(proto.getField(d.findFieldByName("ts")))
        .isEqualTo(
            java.time.temporal.ChronoUnit.MICROS.between(
                Instant.EPOCH, Instant.parse("2026-11-24T14:30:00.123456Z")));
    assertThat(proto.getField(d.findFieldByName("d")))
        .isEqualTo((int) LocalDate.parse("0001-01-01").toEpochDay());
    assertThat(proto.getField(d.findFieldByName("j"))).isEqualTo("{\"a\":[1,2]}");
    assertThat(proto.getField(d.findFieldByName("tags"))).isEqualTo(List.of("lit", "odd"));
    DynamicMessage venue = (DynamicMessage) proto.getField(d.findFieldByName("venue"));
    assertThat(venue.getField(venue.getDescriptorForType().findFieldByName("name")))
        .isEqualTo("XNAS");
    // NUMERIC, BIGNUMERIC, DATETIME and TIME travel in BigQuery's binary encodings.
    assertThat(
            BigDecimalByteStringEncoder.decodeNumericByteString(
                (ByteString) proto.getField(d.findFieldByName("n"))))
        .isEqualByComparingTo("99999999999999999999999999999.999999999");
    assertThat(
            BigDecimalByteStringEncoder.decodeBigNumericByteString(
                (ByteString) proto.getField(d.findFieldByName("bn"))))
        .isEqualByComparingTo("1e38");
    assertThat(
            CivilTimeEncoder.decodePacked64DatetimeMicrosLocalDateTime(
                (Long) proto.getField(d.findFieldByName("dt"))))
        .isEqualTo(LocalDateTime.parse("2026-11-24T14:30:00"));
    assertThat(
            CivilTimeEncoder.decodePacked64TimeMicrosLocalTime(
                (Long) proto.getField(d.findFieldByName("t"))))
        .isEqualTo(LocalTime.parse("23:59:59.999999"));
  }

  @Test
  void absentColumnsStayAbsent() {
    assertThat(TableRows.of(Row.builder().set("s", "x").build(), SCHEMA.fields()))
        .containsOnlyKeys("s");
  }

  private static TableSchema protoSchema() {
    return TableRowToStorageApiProto.schemaToProtoTableSchema(
        DcpBeamPipeline.tableSchema(SchemaJson.write(SCHEMA)));
  }

  private static DynamicMessage encode(TableRow row) throws Exception {
    TableSchema schema = protoSchema();
    Descriptor descriptor =
        TableRowToStorageApiProto.getDescriptorFromTableSchema(schema, true, false);
    return TableRowToStorageApiProto.messageFromTableRow(
        TableRowToStorageApiProto.SchemaInformation.fromTableSchema(schema),
        descriptor,
        row,
        false,
        false,
        null,
        null,
        -1L);
  }
}
