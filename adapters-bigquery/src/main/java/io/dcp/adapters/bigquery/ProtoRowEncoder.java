package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

import com.google.cloud.bigquery.storage.v1.BigDecimalByteStringEncoder;
import com.google.cloud.bigquery.storage.v1.CivilTimeEncoder;
import com.google.cloud.bigquery.storage.v1.ProtoSchema;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.ColumnName;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;

/**
 * Encodes core rows as Storage Write API protobuf rows for one table schema, writing the wire
 * format directly (no JSON and no {@code DynamicMessage} in between).
 *
 * <p>The descriptor has one field per column, numbered in schema order from 1, named as the column,
 * with nested messages for STRUCT columns. Values follow BigQuery's "supported protocol buffer data
 * types": TIMESTAMP as int64 epoch micros, DATE as int32 epoch days, TIME and DATETIME as packed
 * int64 civil time, NUMERIC and BIGNUMERIC as scaled little-endian bytes, JSON and GEOGRAPHY as
 * strings. REQUIRED columns are declared optional so a missing value is reported by BigQuery as a
 * row error rather than failing the whole request. Immutable and thread-safe.
 */
public final class ProtoRowEncoder {
  private final TableSchema schema;
  private final ProtoSchema protoSchema;

  private ProtoRowEncoder(TableSchema schema) {
    this.schema = schema;
    this.protoSchema =
        ProtoSchema.newBuilder().setProtoDescriptor(descriptor("Row", schema.fields())).build();
  }

  /**
   * Returns an encoder for rows of {@code schema}.
   *
   * @throws IllegalArgumentException when a column name is not a valid protobuf field name
   */
  public static ProtoRowEncoder forSchema(TableSchema schema) {
    return new ProtoRowEncoder(requireNonNull(schema, "schema"));
  }

  /** Returns the schema rows are encoded for. */
  public TableSchema schema() {
    return schema;
  }

  /** Returns the writer schema to send with the first append of a connection. */
  public ProtoSchema protoSchema() {
    return protoSchema;
  }

  /**
   * Encodes {@code row}; columns the schema lacks are ignored.
   *
   * @throws IllegalArgumentException when a value does not fit its column, naming the column
   */
  public ByteString encode(Row row) {
    byte[] out = new byte[size(schema.fields(), row)];
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    try {
      write(stream, schema.fields(), row);
      stream.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.copyFrom(out);
  }

  private static DescriptorProto descriptor(String name, List<Field> fields) {
    var builder = DescriptorProto.newBuilder().setName(name);
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      if (!ColumnName.hasValidCharacters(field.name())) {
        throw new IllegalArgumentException(
            "column '"
                + field.name()
                + "' cannot be written through the Storage Write API by this sink: column names"
                + " must be "
                + ColumnName.CHARACTER_RULE);
      }
      int number = i + 1;
      var fd =
          FieldDescriptorProto.newBuilder()
              .setName(field.name())
              .setNumber(number)
              .setLabel(
                  field.isRepeated()
                      ? FieldDescriptorProto.Label.LABEL_REPEATED
                      : FieldDescriptorProto.Label.LABEL_OPTIONAL);
      switch (field.type()) {
        case STRING, JSON, GEOGRAPHY -> fd.setType(FieldDescriptorProto.Type.TYPE_STRING);
        case BYTES, NUMERIC, BIGNUMERIC -> fd.setType(FieldDescriptorProto.Type.TYPE_BYTES);
        case INT64, TIMESTAMP, TIME, DATETIME -> fd.setType(FieldDescriptorProto.Type.TYPE_INT64);
        case DATE -> fd.setType(FieldDescriptorProto.Type.TYPE_INT32);
        case FLOAT64 -> fd.setType(FieldDescriptorProto.Type.TYPE_DOUBLE);
        case BOOL -> fd.setType(FieldDescriptorProto.Type.TYPE_BOOL);
        case STRUCT -> {
          String typeName = "S" + number;
          builder.addNestedType(descriptor(typeName, field.fields()));
          fd.setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(typeName);
        }
      }
      builder.addField(fd);
    }
    return builder.build();
  }

  private static int size(List<Field> fields, Row row) {
    int size = 0;
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      Object value = row.get(field.name());
      if (value == null) {
        continue;
      }
      if (field.isRepeated()) {
        for (Object element : list(field, value)) {
          size += valueSize(i + 1, field, element);
        }
      } else {
        size += valueSize(i + 1, field, value);
      }
    }
    return size;
  }

  private static int valueSize(int number, Field field, Object value) {
    try {
      return switch (field.type()) {
        case STRING, JSON, GEOGRAPHY -> CodedOutputStream.computeStringSize(number, (String) value);
        case BYTES -> {
          int length = ((Bytes) value).length();
          yield CodedOutputStream.computeTagSize(number)
              + CodedOutputStream.computeUInt32SizeNoTag(length)
              + length;
        }
        case NUMERIC, BIGNUMERIC ->
            CodedOutputStream.computeBytesSize(number, decimalBytes(field, (BigDecimal) value));
        case INT64, TIMESTAMP, TIME, DATETIME ->
            CodedOutputStream.computeInt64Size(number, int64(field, value));
        case DATE -> CodedOutputStream.computeInt32Size(number, epochDay((LocalDate) value));
        case FLOAT64 -> CodedOutputStream.computeDoubleSize(number, (Double) value);
        case BOOL -> CodedOutputStream.computeBoolSize(number, (Boolean) value);
        case STRUCT -> {
          int nested = size(field.fields(), (Row) value);
          yield CodedOutputStream.computeTagSize(number)
              + CodedOutputStream.computeUInt32SizeNoTag(nested)
              + nested;
        }
      };
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(
          "column "
              + field.name()
              + " of type "
              + field.type()
              + " holds a "
              + value.getClass().getSimpleName(),
          e);
    } catch (IllegalArgumentException e) {
      // The client library's encoders refuse values out of the type's range or scale.
      throw new IllegalArgumentException(
          "column " + field.name() + " of type " + field.type() + ": " + e.getMessage(), e);
    }
  }

  private static void write(CodedOutputStream out, List<Field> fields, Row row) throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      Object value = row.get(field.name());
      if (value == null) {
        continue;
      }
      if (field.isRepeated()) {
        for (Object element : list(field, value)) {
          writeValue(out, i + 1, field, element);
        }
      } else {
        writeValue(out, i + 1, field, value);
      }
    }
  }

  // Types were checked by the size pass, which always runs first.
  private static void writeValue(CodedOutputStream out, int number, Field field, Object value)
      throws IOException {
    switch (field.type()) {
      case STRING, JSON, GEOGRAPHY -> out.writeString(number, (String) value);
      case BYTES -> out.writeByteArray(number, ((Bytes) value).toByteArray());
      case NUMERIC, BIGNUMERIC -> out.writeBytes(number, decimalBytes(field, (BigDecimal) value));
      case INT64, TIMESTAMP, TIME, DATETIME -> out.writeInt64(number, int64(field, value));
      case DATE -> out.writeInt32(number, epochDay((LocalDate) value));
      case FLOAT64 -> out.writeDouble(number, (Double) value);
      case BOOL -> out.writeBool(number, (Boolean) value);
      case STRUCT -> {
        Row nested = (Row) value;
        out.writeTag(number, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size(field.fields(), nested));
        write(out, field.fields(), nested);
      }
    }
  }

  /** NUMERIC and BIGNUMERIC as the client library scales them: little-endian two's complement. */
  private static ByteString decimalBytes(Field field, BigDecimal value) {
    return field.type() == FieldType.NUMERIC
        ? BigDecimalByteStringEncoder.encodeToNumericByteString(value)
        : BigDecimalByteStringEncoder.encodeToBigNumericByteString(value);
  }

  /** The int64 on the wire of an INT64, TIMESTAMP, TIME or DATETIME value. */
  private static long int64(Field field, Object value) {
    return switch (field.type()) {
      case TIMESTAMP -> epochMicros((Instant) value);
      case TIME -> CivilTimeEncoder.encodePacked64TimeMicrosLocalTime((LocalTime) value);
      case DATETIME ->
          CivilTimeEncoder.encodePacked64DatetimeMicrosLocalDateTime((LocalDateTime) value);
      default -> (Long) value;
    };
  }

  /** DATE: days since the epoch, an int32 on the wire. */
  private static int epochDay(LocalDate date) {
    return Math.toIntExact(date.toEpochDay());
  }

  /**
   * TIMESTAMP: microseconds since the epoch, sub-microsecond digits dropped. The client library has
   * no encoder for it: its JSON conversion does the same arithmetic.
   */
  private static long epochMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static List<?> list(Field field, Object value) {
    if (value instanceof List<?> list) {
      return list;
    }
    throw new IllegalArgumentException(
        "REPEATED column " + field.name() + " holds a " + value.getClass().getSimpleName());
  }
}
