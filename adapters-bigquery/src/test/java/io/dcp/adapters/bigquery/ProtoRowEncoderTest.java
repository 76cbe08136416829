package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.storage.v1.BQTableSchemaToProtoDescriptor;
import com.google.cloud.bigquery.storage.v1.BigDecimalByteStringEncoder;
import com.google.cloud.bigquery.storage.v1.CivilTimeEncoder;
import com.google.cloud.bigquery.storage.v1.JsonToProtoMessage;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtoRowEncoderTest {
  private final ProtoRowEncoder encoder =
      ProtoRowEncoder.forSchema(StorageWriteRowSinkTest.ALL_TYPES);

  @Test
  void encodesTheSameMessageAsTheClientLibrarysJsonConversion() throws Exception {
    // Same values given to the client library as the JSON a JsonStreamWriter user would send.
    Row row =
        Row.builder()
            .set("s", "héllo")
            .set("b", Bytes.copyOf(new byte[] {1, 2, (byte) 0xFE}))
            .set("i", -42L)
            .set("f", 0.25)
            .set("n", new BigDecimal("-123.000000001"))
            .set("bn", new BigDecimal("98765432109876543210.0123456789"))
            .set("ok", false)
            .set("ts", Instant.parse("2024-02-29T12:34:56.789012Z"))
            .set("d", LocalDate.of(2024, 2, 29))
            .set("t", LocalTime.of(12, 34, 56, 789_012_000))
            .set("dt", LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_012_000))
            .set("j", "{\"a\":1}")
            .set("g", "POINT(1 2)")
            .set("tags", List.of("a", "b"))
            .set("quote", Row.builder().set("bid", 1.5).build())
            .set("legs", List.of(Row.builder().set("qty", 3L).build()))
            .build();
    var json =
        new JSONObject()
            .put("s", "héllo")
            .put("b", ByteString.copyFrom(new byte[] {1, 2, (byte) 0xFE}))
            .put("i", -42L)
            .put("f", 0.25)
            .put("n", "-123.000000001")
            .put("bn", "98765432109876543210.0123456789")
            .put("ok", false)
            .put("ts", 1709210096789012L)
            .put("d", "2024-02-29")
            .put("t", "12:34:56.789012")
            .put("dt", "2024-02-29 12:34:56.789012")
            .put("j", "{\"a\":1}")
            .put("g", "POINT(1 2)")
            .put("tags", new JSONArray(List.of("a", "b")))
            .put("quote", new JSONObject().put("bid", 1.5))
            .put("legs", new JSONArray().put(new JSONObject().put("qty", 3L)));
    var tableSchema = ProtoSchemasForTests.toProto(StorageWriteRowSinkTest.ALL_TYPES);
    Descriptor descriptor =
        BQTableSchemaToProtoDescriptor.convertBQTableSchemaToProtoDescriptor(tableSchema);

    DynamicMessage expected =
        JsonToProtoMessage.convertJsonToProtoMessage(descriptor, tableSchema, json, false);
    DynamicMessage actual = DynamicMessage.parseFrom(descriptor, encoder.encode(row));

    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"00:00:00", "00:00:00.000001", "12:34:56.789012", "23:59:59.999999"})
  void encodesTimeAsTheClientLibrarysJsonConversion(String time) throws Exception {
    assertEncodesAsTheClientLibrary(
        Field.of("t", FieldType.TIME),
        LocalTime.parse(time),
        time,
        CivilTimeEncoder.encodePacked64TimeMicrosLocalTime(LocalTime.parse(time)));
  }

  @ParameterizedTest
  @CsvSource({
    "0001-01-01T00:00:00",
    "1970-01-01T00:00:00.000001",
    "2024-02-29T12:34:56.789012",
    "9999-12-31T23:59:59.999999"
  })
  void encodesDatetimeAsTheClientLibrarysJsonConversion(String datetime) throws Exception {
    LocalDateTime dt = LocalDateTime.parse(datetime);
    assertEncodesAsTheClientLibrary(
        Field.of("dt", FieldType.DATETIME),
        dt,
        datetime.replace('T', ' '),
        CivilTimeEncoder.encodePacked64DatetimeMicrosLocalDateTime(dt));
  }

  @ParameterizedTest
  @CsvSource({
    "0001-01-01T00:00:00Z, -62135596800000000",
    "1969-12-31T23:59:59.999999Z, -1",
    "2024-02-29T12:34:56.789012Z, 1709210096789012",
    "9999-12-31T23:59:59.999999Z, 253402300799999999"
  })
  void encodesTimestampAsTheClientLibrarysJsonConversion(String timestamp, long micros)
      throws Exception {
    assertEncodesAsTheClientLibrary(
        Field.of("ts", FieldType.TIMESTAMP), Instant.parse(timestamp), micros, micros);
  }

  @ParameterizedTest
  @CsvSource({
    "0",
    "1",
    "-1",
    "0.000000001",
    "-0.000000001",
    "123.456",
    "99999999999999999999999999999.999999999",
    "-99999999999999999999999999999.999999999"
  })
  void encodesNumericAsTheClientLibrarysJsonConversion(String value) throws Exception {
    BigDecimal v = new BigDecimal(value);
    assertEncodesAsTheClientLibrary(
        Field.of("n", FieldType.NUMERIC),
        v,
        value,
        BigDecimalByteStringEncoder.encodeToNumericByteString(v));
  }

  @ParameterizedTest
  @CsvSource({
    "0",
    "-1E-38",
    "1E-38",
    "578960446186580977117854925043439539266.34992332820282019728792003956564819967",
    "-578960446186580977117854925043439539266.34992332820282019728792003956564819968"
  })
  void encodesBigNumericAsTheClientLibrarysJsonConversion(String value) throws Exception {
    BigDecimal v = new BigDecimal(value);
    assertEncodesAsTheClientLibrary(
        Field.of("bn", FieldType.BIGNUMERIC),
        v,
        v.toPlainString(),
        BigDecimalByteStringEncoder.encodeToBigNumericByteString(v));
  }

  @Test
  void numericIsLittleEndianTwosComplementOfTheValueTimesTenToTheNine() throws Exception {
    // 1 * 10^9 = 0x3B9ACA00, little-endian.
    assertThat(encodedNumeric(BigDecimal.ONE).toByteArray())
        .containsExactly((byte) 0x00, (byte) 0xCA, (byte) 0x9A, (byte) 0x3B);
    // -1e-9 is -1 scaled: one 0xFF byte.
    assertThat(encodedNumeric(new BigDecimal("-0.000000001")).toByteArray())
        .containsExactly((byte) 0xFF);
  }

  @ParameterizedTest
  @CsvSource({"1E+29", "-1E+29", "0.0000000001"})
  void numericOutsideItsRangeOrScaleIsRefused(String value) {
    var numeric = ProtoRowEncoder.forSchema(TableSchema.of(Field.of("n", FieldType.NUMERIC)));

    assertThatThrownBy(() -> numeric.encode(Row.builder().set("n", new BigDecimal(value)).build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void datetimeOutsideBigQuerysYearsIsRefused() {
    var datetime = ProtoRowEncoder.forSchema(TableSchema.of(Field.of("dt", FieldType.DATETIME)));

    assertThatThrownBy(
            () ->
                datetime.encode(
                    Row.builder().set("dt", LocalDateTime.of(10_000, 1, 1, 0, 0)).build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Encodes a one-column row holding {@code value} and checks it against the client library's
   * JSON-to-proto conversion of {@code json} and against the value its own encoder gives.
   */
  private static void assertEncodesAsTheClientLibrary(
      Field column, Object value, Object json, Object clientEncoded) throws Exception {
    TableSchema schema = TableSchema.of(column);
    var tableSchema = ProtoSchemasForTests.toProto(schema);
    Descriptor descriptor =
        BQTableSchemaToProtoDescriptor.convertBQTableSchemaToProtoDescriptor(tableSchema);
    DynamicMessage expected =
        JsonToProtoMessage.convertJsonToProtoMessage(
            descriptor, tableSchema, new JSONObject().put(column.name(), json), false);

    DynamicMessage actual =
        DynamicMessage.parseFrom(
            descriptor,
            ProtoRowEncoder.forSchema(schema)
                .encode(Row.builder().set(column.name(), value).build()));

    assertThat(actual).isEqualTo(expected);
    assertThat(actual.getField(descriptor.findFieldByName(column.name()))).isEqualTo(clientEncoded);
  }

  private static ByteString encodedNumeric(BigDecimal value) throws Exception {
    TableSchema schema = TableSchema.of(Field.of("n", FieldType.NUMERIC));
    Descriptor descriptor =
        BQTableSchemaToProtoDescriptor.convertBQTableSchemaToProtoDescriptor(
            ProtoSchemasForTests.toProto(schema));
    DynamicMessage message =
        DynamicMessage.parseFrom(
            descriptor,
            ProtoRowEncoder.forSchema(schema).encode(Row.builder().set("n", value).build()));
    return (ByteString) message.getField(descriptor.findFieldByName("n"));
  }

  @Test
  void requestLimitConstantMatchesTheFake() {
    assertThat(StorageWriteSettings.API_MAX_REQUEST_BYTES)
        .isEqualTo(FakeBigQueryWriteServer.MAX_REQUEST_BYTES);
  }
}
