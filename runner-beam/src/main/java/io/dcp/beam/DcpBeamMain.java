package io.dcp.beam;

import com.google.api.services.bigquery.model.Table;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.gcp.options.GcpOptions;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryOptions;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServicesImpl;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs the Beam job: {@code --runner=DataflowRunner} (the Flex Template's entry point) or
 * DirectRunner (the default; local mode with {@code --inputFiles} and {@code --outputDirectory}).
 */
public final class DcpBeamMain {
  private DcpBeamMain() {}

  public static void main(String[] args) throws Exception {
    PipelineOptionsFactory.register(DcpBeamOptions.class);
    DcpBeamOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(DcpBeamOptions.class);
    BeamOptionsCheck.validate(options);
    String schemaJson =
        Boolean.TRUE.equals(options.getSchemaFromTable())
            ? schemaOfTable(options)
            : DcpBeamPipeline.readText(options.getSchemaFile());
    String mappingYaml =
        options.getMappingConfigFile() == null
            ? ""
            : DcpBeamPipeline.readText(options.getMappingConfigFile());
    Pipeline pipeline = Pipeline.create(options);
    DcpBeamPipeline.build(pipeline, options, schemaJson, mappingYaml);
    pipeline.run();
  }

  /** Reads the live schema of the output table with the job's credentials. */
  private static String schemaOfTable(DcpBeamOptions options) throws Exception {
    var reference = BigQueryHelpers.parseTableSpec(options.getOutputTable());
    if (reference.getProjectId() == null) {
      reference.setProjectId(options.as(GcpOptions.class).getProject());
    }
    try (var datasets =
        new BigQueryServicesImpl().getDatasetService(options.as(BigQueryOptions.class))) {
      Table table = datasets.getTable(reference);
      if (table == null) {
        throw new IllegalArgumentException(
            "--outputTable " + options.getOutputTable() + " does not exist: create it first");
      }
      return BigQueryHelpers.toJsonString(table.getSchema().getFields());
    }
  }
}
