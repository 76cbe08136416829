package io.dcp.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingMode;
import io.dcp.core.mapping.UnknownFields;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Reads the {@code mapping} section: how a message becomes a row. */
final class MappingSection {
  /** The open map of column sources, any column name. */
  static final String COLUMNS = "mapping.columns";

  private MappingSection() {}

  static MappingConfig read(ConfigReader r) {
    MappingMode mode =
        MappingMode.valueOf(r.choice("mapping.mode", "typed", "raw").toUpperCase(Locale.ROOT));
    UnknownFields unknown =
        UnknownFields.valueOf(
            r.choice("mapping.unknownFields", "ignore", "reject", "keep").toUpperCase(Locale.ROOT));
    MappingConfig base =
        mode == MappingMode.RAW
            ? MappingConfig.raw(
                r.string("mapping.payloadColumn"), r.string("mapping.arrivalColumn"))
            : MappingConfig.typed();
    MappingConfig config =
        base.withUnknownFields(unknown)
            .withKeepColumn(r.string("mapping.keepColumn"))
            .withExplodeArrays(r.bool("mapping.explodeArrays"));
    int maxPayload = r.positiveInt("mapping.maxPayloadBytes");
    int maxDepth = r.positiveInt("mapping.maxDepth");
    if (maxDepth > MappingConfig.MAX_DEPTH) {
      r.problem(
          "mapping.maxDepth",
          maxDepth
              + " is over "
              + MappingConfig.MAX_DEPTH
              + ", the deepest JSON Jackson reads and writes (its StreamReadConstraints and"
              + " StreamWriteConstraints nesting limit)");
      maxDepth = MappingConfig.MAX_DEPTH;
    }
    if (maxPayload > 0 && maxDepth > 0) {
      config = config.withMaxPayloadBytes(maxPayload).withMaxDepth(maxDepth);
    }
    JsonNode columns = r.node(COLUMNS);
    if (columns != null && !columns.isObject()) {
      r.problem(COLUMNS, "expected a mapping of column: source");
    } else if (columns != null) {
      Iterator<Map.Entry<String, JsonNode>> it = columns.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        try {
          config = config.withColumn(e.getKey(), ColumnSource.parse(e.getValue().asText()));
        } catch (IllegalArgumentException ex) {
          r.problem(COLUMNS + "." + e.getKey(), ex.getMessage());
        }
      }
    }
    return config;
  }
}
