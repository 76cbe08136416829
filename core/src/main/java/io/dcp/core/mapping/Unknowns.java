package io.dcp.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The payload fields of one row that have no column, handled per {@link UnknownFields}: under KEEP
 * they are gathered into one JSON object keyed by their path below the row ({@code extra}, {@code
 * venue.code}, {@code legs[1].note}).
 */
final class Unknowns {
  static final Unknowns IGNORED = new Unknowns(UnknownFields.IGNORE, "$", null);

  private final UnknownFields policy;
  private final int prefix;
  private final NewFields newFields;
  private ObjectNode gathered;

  Unknowns(UnknownFields policy, String base, NewFields newFields) {
    this.policy = policy;
    this.prefix = base.length() + 1;
    this.newFields = newFields;
  }

  /** Whether {@link #add} does anything with a value: else a reader may skip it unbuilt. */
  boolean needsValues() {
    return newFields != null || policy != UnknownFields.IGNORE;
  }

  void add(Object where, JsonNode value) {
    if (newFields != null && newFields.offer(where, value)) {
      return;
    }
    if (policy == UnknownFields.REJECT) {
      throw new Rejection(where, "unknown field (mapping.unknownFields is reject)");
    }
    if (policy == UnknownFields.KEEP) {
      Coercion.checkJsonNumbers(value, where);
      String path = where.toString();
      if (gathered == null) {
        gathered = JsonNodeFactory.instance.objectNode();
      }
      gathered.set(path.substring(prefix), value);
    }
  }

  String json() {
    return gathered == null ? null : gathered.toString();
  }
}
