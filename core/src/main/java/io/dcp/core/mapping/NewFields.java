package io.dcp.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dcp.core.schema.ColumnName;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.SchemaInference;
import io.dcp.core.schema.TableSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The payload fields of one message that have no column and could become one: each typed from its
 * first value as {@code dcp schema infer} would type it, keyed by its place in the schema (array
 * indices dropped), first seen first.
 */
final class NewFields {
  private final Map<String, NewField> byPath = new LinkedHashMap<>();

  boolean offer(Object where, JsonNode value) {
    if (!(where instanceof FieldPath path)
        || value.isNull()
        || (value.isContainerNode() && value.isEmpty())) {
      return false;
    }
    List<String> names = path.names();
    String key = String.join(".", names).toLowerCase(Locale.ROOT);
    if (byPath.containsKey(key)) {
      return true;
    }
    String name = names.get(names.size() - 1);
    ObjectNode sample = JsonNodeFactory.instance.objectNode();
    sample.set(name, value);
    List<Field> inferred = new SchemaInference().add(sample).result().schema().fields();
    if (inferred.isEmpty()) {
      return false; // not a name BigQuery takes
    }
    Field field = inferred.get(0);
    if (!validNames(field)) {
      return false;
    }
    byPath.put(key, new NewField(names, field));
    return true;
  }

  boolean isEmpty() {
    return byPath.isEmpty();
  }

  /** The new fields, each inside the STRUCT columns it sits in, merged. */
  List<Field> columns(TableSchema schema) {
    TableSchema added = new TableSchema(List.of());
    for (NewField f : byPath.values()) {
      Field column = f.field();
      for (int depth = f.names().size() - 2; depth >= 0; depth--) {
        column =
            Field.struct(
                f.names().get(depth), structMode(schema, f.names(), depth), List.of(column));
      }
      added = added.merged(List.of(column));
    }
    return added.fields();
  }

  private static FieldMode structMode(TableSchema schema, List<String> names, int depth) {
    List<Field> level = schema.fields();
    Field at = null;
    for (int i = 0; i <= depth; i++) {
      at = TableSchema.find(level, names.get(i)).orElseThrow();
      level = at.fields();
    }
    return at.mode();
  }

  private static boolean validNames(Field field) {
    return ColumnName.isValid(field.name())
        && field.fields().stream().allMatch(NewFields::validNames);
  }

  private record NewField(List<String> names, Field field) {}
}
