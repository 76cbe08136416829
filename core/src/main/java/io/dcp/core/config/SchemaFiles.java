package io.dcp.core.config;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads the schema files a config names ({@code table.schema}, {@code table.schemas}) and checks
 * the mapping against each, recording every problem under its key.
 */
final class SchemaFiles {
  private SchemaFiles() {}

  /** Returns the schema of {@code table.schema}, or null when it is unset or has problems. */
  static TableSchema read(DcpConfig config, List<ConfigProblem> problems) {
    boolean mappingRead = problems.stream().noneMatch(p -> p.key().startsWith("mapping"));
    TableSchema schema = null;
    if (!config.table().schema().isEmpty()) {
      schema = schema("table.schema", config.table().schema(), problems);
      if (schema != null && mappingRead) {
        fit(schema, config.mapping(), "", problems);
      }
    }
    for (Map.Entry<String, String> routed : config.table().schemas().entrySet()) {
      String key = TableSection.SCHEMAS + "." + routed.getKey();
      TableSchema own = schema(key, routed.getValue(), problems);
      if (own != null && mappingRead) {
        fit(own, config.mapping(), " (the schema of " + key + ")", problems);
      }
    }
    return schema;
  }

  private static TableSchema schema(String key, String file, List<ConfigProblem> problems) {
    try {
      return SchemaJson.read(Path.of(file));
    } catch (SchemaException e) {
      e.problems().forEach(p -> problems.add(new ConfigProblem(key, file + ": " + p)));
      return null;
    }
  }

  private static void fit(
      TableSchema schema, MappingConfig mapping, String which, List<ConfigProblem> problems) {
    for (String problem : JsonMessageMapper.validate(schema, mapping)) {
      int colon = problem.indexOf(": ");
      problems.add(
          new ConfigProblem(problem.substring(0, colon), problem.substring(colon + 2) + which));
    }
  }
}
