package io.dcp.runner.standalone;

import io.dcp.core.config.DcpConfig;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.Message;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks a config, its schema and, optionally, sample messages through the real mapper: how many
 * rows would land and which dead letters would be written, and why. Nothing is written.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Checks the config, the schema and sample messages; writes nothing.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(names = "--sample", description = "An NDJSON file of sample messages to map.")
  Path sample;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DcpConfig config = options.load(err);
    if (config == null) {
      return Main.CONFIG_ERROR;
    }
    TableSchema schema;
    try {
      schema = SchemaJson.read(Path.of(config.table().schema()));
    } catch (SchemaException e) {
      err.println("table.schema: " + e.getMessage());
      err.flush();
      return Main.CONFIG_ERROR;
    }
    JsonMessageMapper mapper;
    try {
      mapper = JsonMessageMapper.create(schema, config.mapping(), "validate", Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return Main.CONFIG_ERROR;
    }
    out.printf(
        "Config OK: %s -> table %s (%d columns)%n",
        config.source().type(), config.table().id(), schema.fields().size());
    if (sample == null) {
      out.flush();
      return 0;
    }
    if (!Files.isReadable(sample)) {
      err.println("--sample: cannot read " + sample + ": check the path");
      err.flush();
      return Main.CONFIG_ERROR;
    }
    long rows = 0;
    long messages = 0;
    Map<String, Integer> reasons = new TreeMap<>();
    byte[] content = Files.readAllBytes(sample);
    int start = 0;
    for (int i = 0; i <= content.length; i++) {
      if (i == content.length || content[i] == '\n') {
        int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
        if (end > start
            && !new String(
                    content, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1)
                .isBlank()) {
          messages++;
          byte[] line = java.util.Arrays.copyOfRange(content, start, end);
          MappingResult result =
              mapper.map(Message.of(sample.getFileName() + ":" + messages, line, Instant.now()));
          if (result instanceof MappingResult.Mapped m) {
            rows += m.rows().size();
          } else {
            reasons.merge(
                ((MappingResult.Rejected) result).deadLetter().errorMessage(), 1, Integer::sum);
          }
        }
        start = i + 1;
      }
    }
    long dead = reasons.values().stream().mapToLong(Integer::longValue).sum();
    out.printf("%,d messages: %,d rows would land, %,d dead letters%n", messages, rows, dead);
    reasons.forEach((reason, count) -> out.printf("  %,6d  %s%n", count, reason));
    out.flush();
    return 0;
  }
}
