package io.dcp.core.mapping;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps a payload object to column values straight from the parser's tokens, with no tree: the typed
 * mapper's fast path when no column needs the whole payload (no JSON Pointer source, no JSON {@code
 * metadata:payload}).
 *
 * <p>It follows the tree mapping rule for rule and reason for reason: each scalar becomes the node
 * the tree would hold and goes through {@link Coercion}, and a value a reason must show (an object
 * where a number belongs, a JSON column, a field kept under {@code unknownFields: keep}) is read
 * into a tree first. The one difference is cost: a float bound for a FLOAT64 column is read as a
 * double unless it has an exponent, where the exact decimal is still needed (to name {@code
 * 1E+999999999}, or to fail as unreadable exactly as the tree read fails). Values of fields that
 * map to no column are read past with the tree's checks, not built, unless the unknown-field policy
 * needs them.
 */
final class TokenRows {
  private final RecordPlan root;
  private final Map<Field, RecordPlan> plans;
  private final List<ColumnPlan> columns;
  private final int keepIndex;

  TokenRows(
      RecordPlan root, Map<Field, RecordPlan> plans, List<ColumnPlan> columns, int keepIndex) {
    this.root = root;
    this.plans = plans;
    this.columns = columns;
    this.keepIndex = keepIndex;
  }

  /**
   * Reads the members of the top-level object whose {@code START_OBJECT} was just read into {@code
   * values}, by column index; columns with a source are left to the caller.
   */
  void readRoot(JsonParser p, Object[] values, Unknowns unknown) throws IOException {
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = PayloadReader.checked(p.currentName(), p);
      JsonToken token = p.nextToken();
      FieldPath at = FieldPath.field("$", name);
      int index = root.indexOf(name);
      if (index >= 0 && index != keepIndex) {
        ColumnPlan column = columns.get(index);
        if (column.source() == null) {
          values[index] = value(p, token, column.field(), at, unknown);
        } else {
          PayloadReader.skip(p, token);
        }
        continue;
      }
      unknown(p, token, at, unknown);
    }
  }

  private void unknown(JsonParser p, JsonToken token, FieldPath at, Unknowns unknown)
      throws IOException {
    if (unknown.needsValues()) {
      unknown.add(at, PayloadReader.readValue(p, token));
    } else {
      PayloadReader.skip(p, token);
    }
  }

  /** A column's value from the value starting at {@code token}; null for JSON null. */
  private Object value(JsonParser p, JsonToken token, Field field, Object path, Unknowns unknown)
      throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (!field.isRepeated()) {
      return single(p, token, field, path, unknown);
    }
    if (token != JsonToken.START_ARRAY) {
      throw new Rejection(
          path,
          Coercion.show(PayloadReader.readValue(p, token))
              + " is not an array (the column is REPEATED)");
    }
    List<Object> list = null;
    int i = 0;
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken(), i++) {
      FieldPath at = FieldPath.element(path, i);
      if (e == JsonToken.VALUE_NULL) {
        throw new Rejection(at, "null element in a REPEATED field");
      }
      if (list == null) {
        list = new ArrayList<>();
      }
      list.add(single(p, e, field, at, unknown));
    }
    return list == null ? null : List.copyOf(list);
  }

  private Object single(JsonParser p, JsonToken token, Field field, Object path, Unknowns unknown)
      throws IOException {
    FieldType type = field.type();
    if (type == FieldType.STRUCT) {
      if (token != JsonToken.START_OBJECT) {
        throw Coercion.notA(PayloadReader.readValue(p, token), "a RECORD (a JSON object)", path);
      }
      return record(p, field, path, unknown);
    }
    if (type == FieldType.JSON
        || token == JsonToken.START_ARRAY
        || token == JsonToken.START_OBJECT) {
      JsonNode node = PayloadReader.readValue(p, token);
      if (type == FieldType.JSON) {
        return Coercion.json(node, path);
      }
      if (node.isArray() || type != FieldType.GEOGRAPHY) {
        throw Coercion.notA(node, "a " + type.name(), path);
      }
      return Coercion.scalar(type, node, path);
    }
    if (type == FieldType.STRING && token == JsonToken.VALUE_STRING) {
      return PayloadReader.checked(p.getText(), p); // a string is its own STRING value
    }
    return Coercion.scalar(type, scalar(p, token, type), path);
  }

  /** The node of a scalar token; for a FLOAT64 column a plain float is read as a double. */
  private static JsonNode scalar(JsonParser p, JsonToken token, FieldType type) throws IOException {
    if (type == FieldType.FLOAT64
        && token == JsonToken.VALUE_NUMBER_FLOAT
        && !PayloadReader.hasExponent(p)) {
      // The same double the exact decimal rounds to: both are correctly rounded.
      double value = p.getDoubleValue();
      if (!Double.isInfinite(value)) {
        return DoubleNode.valueOf(value);
      }
    }
    return PayloadReader.scalar(p, token);
  }

  private Row record(JsonParser p, Field struct, Object path, Unknowns unknown) throws IOException {
    RecordPlan plan = plans.get(struct);
    Object[] values = new Object[plan.fields.size()];
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = PayloadReader.checked(p.currentName(), p);
      JsonToken token = p.nextToken();
      FieldPath at = FieldPath.field(path, name);
      int index = plan.indexOf(name);
      if (index < 0) {
        unknown(p, token, at, unknown);
        continue;
      }
      values[index] = value(p, token, plan.fields.get(index), at, unknown);
    }
    Row.Builder row = Row.builder();
    for (int i = 0; i < values.length; i++) {
      Field sub = plan.fields.get(i);
      if (values[i] == null && sub.mode() == FieldMode.REQUIRED) {
        throw new Rejection(path + "." + sub.name(), "missing required field");
      }
      row.set(sub.name(), values[i]);
    }
    return row.build();
  }
}
