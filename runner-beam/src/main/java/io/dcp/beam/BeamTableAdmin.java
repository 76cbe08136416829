package io.dcp.beam;

import static java.util.Objects.requireNonNull;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.bigquery.Bigquery;
import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableReference;
import com.google.auth.http.HttpCredentialsAdapter;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.extensions.gcp.options.GcpOptions;
import org.apache.beam.sdk.extensions.gcp.util.Transport;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryOptions;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Core's {@link TableAdmin} on BigQuery from a worker of the Beam job: what {@code
 * schema.evolution: add-columns} needs. Tables are read through BigQueryIO's own {@link
 * BigQueryServices.DatasetService}; columns are added by a {@link SchemaPatch}, BigQuery's {@code
 * tables.patch} in production, since the dataset service has no schema change of its own. It
 * creates no table, as the job creates none.
 *
 * <p>One instance per worker instance of the mapping step; not thread-safe beyond what core's
 * {@code Destinations} asks of it (changes to one table are serialised there). Close it to release
 * the dataset service.
 */
final class BeamTableAdmin implements TableAdmin, AutoCloseable {

  /** Replaces a table's schema with a wider one. Serializable: it travels with the job. */
  @FunctionalInterface
  interface SchemaPatch extends Serializable {
    void patch(
        BigQueryOptions options,
        TableReference table,
        com.google.api.services.bigquery.model.TableSchema schema)
        throws IOException, InterruptedException;
  }

  /**
   * Opens an admin on a worker, with the job's BigQuery services and schema patch.
   *
   * @param project the project of a table id without one
   */
  record Factory(BigQueryServices services, SchemaPatch patch, String project)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The job's: the services and patch of {@code io}, the output table's project. */
    static Factory of(DcpBeamOptions options, IoServices io) {
      String project = null;
      if (options.getOutputTable() != null) {
        project = BigQueryHelpers.parseTableSpec(options.getOutputTable()).getProjectId();
      }
      if (project == null) {
        project = options.as(GcpOptions.class).getProject();
      }
      return new Factory(io.bigQuery(), io.tablePatch(), project == null ? "" : project);
    }

    BeamTableAdmin open(PipelineOptions options) {
      return new BeamTableAdmin(services, patch, options.as(BigQueryOptions.class), project);
    }
  }

  /** BigQuery's {@code tables.patch} with the job's credentials. */
  static final SchemaPatch TABLES_PATCH = BeamTableAdmin::tablesPatch;

  private final BigQueryServices.DatasetService datasets;
  private final SchemaPatch patch;
  private final BigQueryOptions options;
  private final String defaultProject;

  /**
   * @param defaultProject the project of a table id without one (the output table's)
   */
  BeamTableAdmin(
      BigQueryServices services,
      SchemaPatch patch,
      BigQueryOptions options,
      String defaultProject) {
    this.datasets = requireNonNull(services, "services").getDatasetService(options);
    this.patch = requireNonNull(patch, "patch");
    this.options = options;
    this.defaultProject = requireNonNull(defaultProject, "defaultProject");
  }

  @Override
  public Optional<TableSchema> schema(TableId table) throws SinkException {
    Table live = get(table);
    if (live == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          SchemaJson.parse(
              BigQueryHelpers.toJsonString(live.getSchema().getFields()),
              "the schema of table " + table));
    } catch (SchemaException e) {
      throw SinkException.permanentFailure(e.getMessage(), e);
    }
  }

  /**
   * Refuses: the job creates no tables (BigQueryIO writes them with {@code CREATE_NEVER}), so a
   * missing table is a permanent failure that says how to make it.
   */
  @Override
  public void create(TableId table, TableSchema schema, TableOptions tableOptions)
      throws SinkException {
    TableReference reference = reference(table);
    String name =
        reference.getProjectId() + "." + reference.getDatasetId() + "." + reference.getTableId();
    throw SinkException.permanentFailure(
        "table "
            + name
            + " does not exist, and the Beam job creates no tables: create it (bq mk --table "
            + name
            + " SCHEMA.json)",
        null);
  }

  @Override
  public void addColumns(TableId table, List<Field> columns) throws SinkException {
    TableSchema live =
        schema(table)
            .orElseThrow(
                () -> SinkException.permanentFailure("table " + table + " does not exist", null));
    try {
      patch.patch(options, reference(table), api(live.merged(columns)));
    } catch (IOException e) {
      throw classified("patching the schema of table " + table, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SinkException.transientFailure("interrupted patching table " + table, e);
    }
  }

  @Override
  public void close() {
    try {
      datasets.close();
    } catch (Exception e) {
      // Nothing is lost: every patch has returned by now.
      System.getLogger(BeamTableAdmin.class.getName())
          .log(System.Logger.Level.WARNING, "closing the BigQuery dataset client failed", e);
    }
  }

  private Table get(TableId table) throws SinkException {
    try {
      return datasets.getTable(reference(table));
    } catch (IOException e) {
      throw classified("reading table " + table, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SinkException.transientFailure("interrupted reading table " + table, e);
    }
  }

  private TableReference reference(TableId table) {
    return new TableReference()
        .setProjectId(table.project().isEmpty() ? defaultProject : table.project())
        .setDatasetId(table.dataset())
        .setTableId(table.table());
  }

  private static com.google.api.services.bigquery.model.TableSchema api(TableSchema schema) {
    return DcpBeamPipeline.tableSchema(SchemaJson.write(schema));
  }

  /**
   * BigQuery's answer as core's failure kinds: a refusal (4xx but 408 and 429) is permanent, the
   * rest (5xx, quota, the network) transient.
   */
  private static SinkException classified(String what, IOException e) {
    if (e instanceof GoogleJsonResponseException response) {
      int status = response.getStatusCode();
      String reason =
          response.getDetails() != null && response.getDetails().getMessage() != null
              ? response.getDetails().getMessage()
              : response.getMessage();
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        return SinkException.permanentFailure(reason, e);
      }
      return SinkException.transientFailure(what + " failed: " + reason, e);
    }
    return SinkException.transientFailure(what + " failed: " + e.getMessage(), e);
  }

  private static void tablesPatch(
      BigQueryOptions options,
      TableReference table,
      com.google.api.services.bigquery.model.TableSchema schema)
      throws IOException {
    Bigquery client =
        new Bigquery.Builder(
                Transport.getTransport(),
                Transport.getJsonFactory(),
                new HttpCredentialsAdapter(options.getGcpCredential()))
            .setApplicationName(options.getAppName())
            .build();
    client
        .tables()
        .patch(
            table.getProjectId(),
            table.getDatasetId(),
            table.getTableId(),
            new Table().setSchema(schema))
        .execute();
  }
}
