package io.dcp.runner.standalone;

import io.dcp.core.schema.SchemaInference;
import io.dcp.core.schema.SchemaJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Schema tools. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "Schema tools.",
    subcommands = SchemaCommand.Infer.class)
final class SchemaCommand {

  /** Infers a BigQuery JSON schema from NDJSON samples and prints it on stdout. */
  @Command(
      name = "infer",
      mixinStandardHelpOptions = true,
      description = "Infers a BigQuery JSON schema from an NDJSON sample.")
  static final class Infer implements Callable<Integer> {
    @Parameters(paramLabel = "SAMPLE", description = "An NDJSON file of sample messages.")
    Path sample;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (!Files.isReadable(sample)) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("schema infer: cannot read " + sample + ": check the path");
        err.flush();
        return Main.CONFIG_ERROR;
      }
      SchemaInference.Inferred inferred;
      try (InputStream in = Files.newInputStream(sample)) {
        inferred = new SchemaInference().addNdjson(in).result();
      }
      PrintWriter err = spec.commandLine().getErr();
      inferred.notes().forEach(note -> err.println("note: " + note));
      if (inferred.schema().fields().isEmpty()) {
        err.println("error: " + sample + " gave no column: it needs JSON objects, one a line");
        err.flush();
        return 1;
      }
      err.flush();
      PrintWriter out = spec.commandLine().getOut();
      out.println(SchemaJson.write(inferred.schema()));
      out.flush();
      return 0;
    }
  }
}
