package io.dcp.beam;

import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableReference;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.gcp.options.GcpOptions;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryOptions;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Beam job: {@code --runner=DataflowRunner} (the Flex Template's entry point) or
 * DirectRunner (the default; local mode with {@code --inputFiles} and {@code --outputDirectory}).
 * With {@code --configFile} it reads dcp's YAML config for the table, schema, dead-letter table and
 * mapping ({@link BeamConfigFile}), and the UDF from the template's options or its {@code
 * transform} section ({@link TransformOptions}). Before launching it reads the output table where
 * it can and refuses a schema file that does not match it, naming each column, rather than start a
 * job that would fail on its first row.
 */
public final class DcpBeamMain {
  private static final Logger LOG = LoggerFactory.getLogger(DcpBeamMain.class);

  private DcpBeamMain() {}

  public static void main(String[] args) throws Exception {
    PipelineOptionsFactory.register(DcpBeamOptions.class);
    DcpBeamOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(DcpBeamOptions.class);
    prepare(options, IoServices.GOOGLE).run();
  }

  /**
   * Checks the options, reads the schema and mapping files (or the table's schema), checks the
   * schema against the live output table, and builds the job with the IO services of {@code io}.
   */
  static Pipeline prepare(DcpBeamOptions options, IoServices io) throws Exception {
    // Registers gs:// and the other file systems of the options before any file is read.
    FileSystems.setDefaultPipelineOptions(options);
    BeamConfigFile config =
        options.getConfigFile() == null
            ? null
            : BeamConfigFile.read(options.getConfigFile(), options);
    List<String> problems = new ArrayList<>();
    if (config != null) {
      problems.addAll(config.applyTo(options));
    }
    problems.addAll(BeamOptionsCheck.problems(options));
    TransformScript udf = TransformOptions.resolve(options, config, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid options:\n  " + String.join("\n  ", problems));
    }
    String schemaJson;
    if (Boolean.TRUE.equals(options.getSchemaFromTable())) {
      Table table = liveTable(options, io.bigQuery());
      if (table == null) {
        throw new IllegalArgumentException(
            "--outputTable " + options.getOutputTable() + " does not exist: create it first");
      }
      schemaJson = BigQueryHelpers.toJsonString(table.getSchema().getFields());
    } else {
      schemaJson = DcpBeamPipeline.readText(options.getSchemaFile());
      if (options.getOutputTable() != null) {
        checkAgainstTable(options, schemaJson, io.bigQuery());
      }
    }
    // --mappingConfigFile wins over --configFile's mapping section.
    String mappingYaml =
        options.getMappingConfigFile() != null
            ? DcpBeamPipeline.readText(options.getMappingConfigFile())
            : config != null ? config.yaml() : "";
    Pipeline pipeline = Pipeline.create(options);
    RouteSpec routes = config == null ? null : config.routes(options);
    MapMessagesFn.MapperFactory mappers =
        udf == null ? null : new TransformingMapperFactory(MapMessagesFn.CORE, udf);
    DcpBeamPipeline.build(pipeline, options, schemaJson, mappingYaml, io, mappers, routes);
    return pipeline;
  }

  private static void checkAgainstTable(
      DcpBeamOptions options, String schemaJson, BigQueryServices services)
      throws SchemaException, InterruptedException {
    Table table;
    try {
      table = liveTable(options, services);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // No access from the launching machine is not a reason to refuse: the job may have it.
      LOG.warn(
          "cannot read table {} to check --schemaFile against it, going on unchecked: {}",
          options.getOutputTable(),
          e.toString());
      return;
    }
    if (table == null) {
      throw new IllegalArgumentException(
          "--outputTable "
              + options.getOutputTable()
              + " does not exist: create it first (the job never creates it)");
    }
    List<String> problems =
        TableSchemaCheck.problems(
            SchemaJson.parse(schemaJson, "--schemaFile"),
            SchemaJson.parse(
                BigQueryHelpers.toJsonString(table.getSchema().getFields()), "the table's schema"),
            options.getOutputTable());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "--schemaFile does not match the output table:\n  " + String.join("\n  ", problems));
    }
  }

  /** Reads the output table with the job's credentials; null when it does not exist. */
  private static Table liveTable(DcpBeamOptions options, BigQueryServices services)
      throws Exception {
    TableReference reference = BigQueryHelpers.parseTableSpec(options.getOutputTable());
    if (reference.getProjectId() == null) {
      reference.setProjectId(options.as(GcpOptions.class).getProject());
    }
    try (var datasets = services.getDatasetService(options.as(BigQueryOptions.class))) {
      return datasets.getTable(reference);
    }
  }
}
