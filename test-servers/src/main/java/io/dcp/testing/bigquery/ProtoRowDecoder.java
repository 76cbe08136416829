package io.dcp.testing.bigquery;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes serialized rows of an AppendRows request into core rows, with the writer's descriptor and
 * the table's schema, following the type rules of BigQuery's Storage Write API.
 */
final class ProtoRowDecoder {
  private final Descriptor descriptor;
  private final TableSchema schema;

  private ProtoRowDecoder(Descriptor descriptor, TableSchema schema) {
    this.descriptor = descriptor;
    this.schema = schema;
  }

  /**
   * Builds a decoder; throws IllegalArgumentException, with BigQuery's kind of message, when the
   * writer schema does not fit the table.
   */
  static ProtoRowDecoder of(DescriptorProto writerSchema, TableSchema schema) {
    Descriptor descriptor;
    try {
      var file =
          FileDescriptorProto.newBuilder()
              .setName("writer_schema.proto")
              .addMessageType(writerSchema)
              .build();
      descriptor =
          Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0])
              .getMessageTypes()
              .get(0);
    } catch (Descriptors.DescriptorValidationException e) {
      throw new IllegalArgumentException("Invalid proto schema: " + e.getMessage(), e);
    }
    check(descriptor, schema.fields(), "");
    return new ProtoRowDecoder(descriptor, schema);
  }

  private static void check(Descriptor descriptor, List<Field> columns, String prefix) {
    for (FieldDescriptor fd : descriptor.getFields()) {
      Field column =
          find(columns, fd.getName())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Input schema has more fields than BigQuery schema, extra fields: '"
                              + prefix
                              + fd.getName()
                              + "'"));
      if (fd.isRepeated() != column.isRepeated()) {
        throw new IllegalArgumentException(
            "Field " + prefix + fd.getName() + " has a mode that does not match the table");
      }
      if (!fits(fd, column.type())) {
        throw new IllegalArgumentException(
            "The proto field mismatched with BigQuery field at "
                + prefix
                + fd.getName()
                + ", the proto field type "
                + fd.getType()
                + ", BigQuery field type "
                + column.type());
      }
      if (column.type() == FieldType.STRUCT) {
        check(fd.getMessageType(), column.fields(), prefix + fd.getName() + ".");
      }
    }
  }

  private static boolean fits(FieldDescriptor fd, FieldType type) {
    return switch (type) {
      case STRING, JSON, GEOGRAPHY -> fd.getType() == FieldDescriptor.Type.STRING;
      case BYTES, NUMERIC, BIGNUMERIC -> fd.getType() == FieldDescriptor.Type.BYTES;
      case INT64, TIMESTAMP, TIME, DATETIME -> fd.getType() == FieldDescriptor.Type.INT64;
      case DATE -> fd.getType() == FieldDescriptor.Type.INT32;
      case FLOAT64 -> fd.getType() == FieldDescriptor.Type.DOUBLE;
      case BOOL -> fd.getType() == FieldDescriptor.Type.BOOL;
      case STRUCT -> fd.getType() == FieldDescriptor.Type.MESSAGE;
    };
  }

  private static java.util.Optional<Field> find(List<Field> fields, String name) {
    return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
  }

  /** Decodes one serialized row. */
  Row decode(ByteString serialized) throws InvalidProtocolBufferException {
    return toRow(DynamicMessage.parseFrom(descriptor, serialized), schema.fields());
  }

  private static Row toRow(DynamicMessage message, List<Field> columns) {
    var builder = Row.builder();
    // Schema order, as core rows keep it.
    for (Field column : columns) {
      FieldDescriptor fd = message.getDescriptorForType().findFieldByName(column.name());
      if (fd == null) {
        fd =
            message.getDescriptorForType().getFields().stream()
                .filter(f -> f.getName().equalsIgnoreCase(column.name()))
                .findFirst()
                .orElse(null);
      }
      if (fd == null) {
        continue;
      }
      if (fd.isRepeated()) {
        int count = message.getRepeatedFieldCount(fd);
        if (count > 0) {
          var values = new ArrayList<Object>(count);
          for (int i = 0; i < count; i++) {
            values.add(value(message.getRepeatedField(fd, i), column));
          }
          builder.set(column.name(), List.copyOf(values));
        }
      } else if (message.hasField(fd)) {
        builder.set(column.name(), value(message.getField(fd), column));
      }
    }
    return builder.build();
  }

  private static Object value(Object raw, Field column) {
    return switch (column.type()) {
      case STRING, JSON, GEOGRAPHY, INT64, FLOAT64, BOOL -> raw;
      case BYTES -> Bytes.copyOf(((ByteString) raw).toByteArray());
      case NUMERIC -> WireValues.decimal(((ByteString) raw).toByteArray(), 9);
      case BIGNUMERIC -> WireValues.decimal(((ByteString) raw).toByteArray(), 38);
      case TIMESTAMP -> WireValues.timestamp((Long) raw);
      case DATE -> WireValues.date((Integer) raw);
      case TIME -> WireValues.time((Long) raw);
      case DATETIME -> WireValues.datetime((Long) raw);
      case STRUCT -> toRow((DynamicMessage) raw, column.fields());
    };
  }
}
