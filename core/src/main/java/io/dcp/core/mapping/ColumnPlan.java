package io.dcp.core.mapping;

import io.dcp.core.schema.Field;

/**
 * One column of the row and where its value comes from (null: the same-named field), with the
 * JSONPath of a pointer source for dead letters.
 */
record ColumnPlan(int index, Field field, ColumnSource source, String pointerPath) {

  static ColumnPlan of(int index, Field field, ColumnSource source) {
    return new ColumnPlan(index, field, source, pointerPath(source));
  }

  private static String pointerPath(ColumnSource source) {
    if (!(source instanceof ColumnSource.Pointer p)) {
      return null;
    }
    StringBuilder path = new StringBuilder("$");
    if (!p.pointer().isEmpty()) {
      for (String segment : p.pointer().substring(1).split("/", -1)) {
        path.append('.').append(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    return path.toString();
  }
}
