package io.dcp.core.mapping;

import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fields of a record, looked up by exact name first, then case-insensitively. */
final class RecordPlan {
  final List<Field> fields;
  private final Map<String, Integer> exact = new HashMap<>();
  private final Map<String, Integer> folded = new HashMap<>();

  RecordPlan(List<Field> fields, Map<Field, RecordPlan> registry) {
    this.fields = fields;
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      exact.put(f.name(), i);
      folded.put(f.name().toLowerCase(Locale.ROOT), i);
      if (f.type() == FieldType.STRUCT && !registry.containsKey(f)) {
        registry.put(f, new RecordPlan(f.fields(), registry));
      }
    }
  }

  int indexOf(String name) {
    Integer i = exact.get(name);
    if (i == null) {
      i = folded.get(name.toLowerCase(Locale.ROOT));
    }
    return i == null ? -1 : i;
  }
}
