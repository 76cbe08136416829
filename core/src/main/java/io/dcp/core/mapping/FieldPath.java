package io.dcp.core.mapping;

/**
 * Where a value sits in the payload ({@code $.legs[2].px}), built as a chain and turned into text
 * only when a rejection needs it: the hot path never concatenates paths.
 */
final class FieldPath {
  private final Object parent;
  private final String name;
  private final int index;

  private FieldPath(Object parent, String name, int index) {
    this.parent = parent;
    this.name = name;
    this.index = index;
  }

  static FieldPath field(Object parent, String name) {
    return new FieldPath(parent, name, -1);
  }

  static FieldPath element(Object parent, int index) {
    return new FieldPath(parent, null, index);
  }

  /**
   * Returns the field names from the row down to this field, without array indices: where the value
   * would sit in the table schema ({@code legs.px} for {@code $.legs[2].px}).
   */
  java.util.List<String> names() {
    java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
    for (Object at = this; at instanceof FieldPath p; at = p.parent) {
      if (p.name != null) {
        names.addFirst(p.name);
      }
    }
    return java.util.List.copyOf(names);
  }

  @Override
  public String toString() {
    return name != null ? parent + "." + name : parent + "[" + index + "]";
  }
}
