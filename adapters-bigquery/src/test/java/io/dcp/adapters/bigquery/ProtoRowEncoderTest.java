package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.storage.v1.BQTableSchemaToProtoDescriptor;
import com.google.cloud.bigquery.storage.v1.BigDecimalByteStringEncoder;
import com.google.cloud.bigquery.storage.v1.CivilTimeEncoder;
import com.google.cloud.bigquery.storage.v1.JsonToProtoMessage;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
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
            .put("b", com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, (byte) 0xFE}))
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
  void packsTimeAsTheClientLibraryDoes(String time) {
    LocalTime t = LocalTime.parse(time);
    assertThat(WireEncodings.packedTime(t))
        .isEqualTo(CivilTimeEncoder.encodePacked64TimeMicrosLocalTime(t));
  }

  @ParameterizedTest
  @CsvSource({
    "0001-01-01T00:00:00",
    "1970-01-01T00:00:00.000001",
    "2024-02-29T12:34:56.789012",
    "9999-12-31T23:59:59.999999"
  })
  void packsDatetimeAsTheClientLibraryDoes(String datetime) {
    LocalDateTime dt = LocalDateTime.parse(datetime);
    assertThat(WireEncodings.packedDatetime(dt))
        .isEqualTo(CivilTimeEncoder.encodePacked64DatetimeMicrosLocalDateTime(dt));
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
  void encodesNumericAsTheClientLibraryDoes(String value) {
    BigDecimal v = new BigDecimal(value);
    assertThat(WireEncodings.numeric(v))
        .isEqualTo(BigDecimalByteStringEncoder.encodeToNumericByteString(v).toByteArray());
  }

  @ParameterizedTest
  @CsvSource({
    "0",
    "-1E-38",
    "1E-38",
    "578960446186580977117854925043439539266.34992332820282019728792003956564819967",
    "-578960446186580977117854925043439539266.34992332820282019728792003956564819968"
  })
  void encodesBigNumericAsTheClientLibraryDoes(String value) {
    BigDecimal v = new BigDecimal(value);
    assertThat(WireEncodings.bigNumeric(v))
        .isEqualTo(BigDecimalByteStringEncoder.encodeToBigNumericByteString(v).toByteArray());
  }

  @Test
  void numericIsLittleEndianTwosComplementOfTheValueTimesTenToTheNine() {
    // 1 * 10^9 = 0x3B9ACA00, little-endian.
    assertThat(WireEncodings.numeric(BigDecimal.ONE))
        .containsExactly((byte) 0x00, (byte) 0xCA, (byte) 0x9A, (byte) 0x3B);
    // -1e-9 is -1 scaled: one 0xFF byte.
    assertThat(WireEncodings.numeric(new BigDecimal("-0.000000001"))).containsExactly((byte) 0xFF);
  }

  @Test
  void numericOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> WireEncodings.numeric(new BigDecimal("1E+29")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUMERIC out of range");
  }

  @Test
  void requestLimitConstantMatchesTheFake() {
    assertThat(StorageWriteSettings.API_MAX_REQUEST_BYTES)
        .isEqualTo(FakeBigQueryWriteServer.MAX_REQUEST_BYTES);
  }
}
