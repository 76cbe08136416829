package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableDefinition;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, creates and extends BigQuery tables through the BigQuery REST API (tables.get,
 * tables.insert, tables.patch).
 *
 * <p>The REST client's own retries are turned off so the pipeline's retry policy decides; failures
 * are classified like writes (HTTP 429 and 5xx transient, the rest permanent with the fix).
 */
public final class BigQueryTableAdmin implements TableAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(BigQueryTableAdmin.class);
  private static final EnumSet<FieldType> PARTITION_TYPES =
      EnumSet.of(FieldType.TIMESTAMP, FieldType.DATE, FieldType.DATETIME);

  private final BigQuery bigQuery;
  private final String project;
  private final OpenCheck open;

  /** Creates a table admin over {@code bigQuery}; tables without a project use {@code project}. */
  public BigQueryTableAdmin(BigQuery bigQuery, String project) {
    this(bigQuery, project, OpenCheck.ALWAYS_OPEN);
  }

  /** Creates a table admin that checks {@code open} before every call to BigQuery. */
  BigQueryTableAdmin(BigQuery bigQuery, String project, OpenCheck open) {
    this.bigQuery = requireNonNull(bigQuery, "bigQuery");
    this.project = requireNonNull(project, "project");
    this.open = requireNonNull(open, "open");
  }

  /**
   * Connects to BigQuery with Application Default Credentials, or, when {@code host} is not empty,
   * to that {@code http(s)://host:port} with no credentials (tests, fakes).
   */
  public static BigQueryTableAdmin connect(String project, String host) {
    return new BigQueryTableAdmin(client(project, host), project);
  }

  /**
   * Returns a BigQuery REST client with Application Default Credentials, or, when {@code host} is
   * not empty, for that {@code http(s)://host:port} with no credentials; its own retries are off.
   */
  static BigQuery client(String project, String host) {
    var options =
        BigQueryOptions.newBuilder()
            .setProjectId(project)
            .setRetrySettings(ServiceOptions.getNoRetrySettings());
    if (!host.isEmpty()) {
      options.setHost(host).setCredentials(NoCredentials.getInstance());
    }
    return options.build().getService();
  }

  @Override
  public Optional<TableSchema> schema(TableId table) throws SinkException {
    open.ensureOpen();
    TableId id = qualified(table);
    try {
      Table found = bigQuery.getTable(restId(id));
      if (found == null) {
        return Optional.empty();
      }
      Schema schema = found.getDefinition().getSchema();
      return Optional.of(schema == null ? new TableSchema(List.of()) : toCore(schema));
    } catch (BigQueryException e) {
      throw classify(id, "read the schema of", e);
    }
  }

  @Override
  public void create(TableId table, TableSchema schema, TableOptions options) throws SinkException {
    open.ensureOpen();
    TableId id = qualified(table);
    validate(id, schema, options);
    var definition = StandardTableDefinition.newBuilder().setSchema(toRest(schema));
    if (options.partitioning() != TableOptions.Partitioning.NONE) {
      var partitioning =
          TimePartitioning.newBuilder(TimePartitioning.Type.valueOf(options.partitioning().name()));
      if (!options.partitionColumn().isEmpty()) {
        partitioning.setField(options.partitionColumn());
      }
      definition.setTimePartitioning(partitioning.build());
    }
    if (!options.clustering().isEmpty()) {
      definition.setClustering(Clustering.newBuilder().setFields(options.clustering()).build());
    }
    try {
      bigQuery.create(TableInfo.of(restId(id), definition.build()));
      LOG.info("created table {} ({} columns, {})", id, schema.fields().size(), options);
    } catch (BigQueryException e) {
      if (e.getCode() != 409) {
        throw classify(id, "create", e);
      }
      TableSchema existing = schema(id).orElseThrow(() -> classify(id, "create", e));
      if (!StorageSchemas.covers(existing.fields(), schema.fields())) {
        throw SinkException.permanentFailure(
            "table "
                + id
                + " already exists with a schema that lacks columns of the configured one: add"
                + " them (table.addMissingColumns: true, or bq update) or fix the configured schema",
            e);
      }
    }
  }

  @Override
  public void addColumns(TableId table, List<Field> columns) throws SinkException {
    open.ensureOpen();
    TableId id = qualified(table);
    for (Field column : columns) {
      if (column.mode() == FieldMode.REQUIRED) {
        throw SinkException.permanentFailure(
            "cannot add REQUIRED column "
                + column.name()
                + " to table "
                + id
                + ": BigQuery only adds NULLABLE or REPEATED columns; make it NULLABLE",
            null);
      }
    }
    try {
      Table found = bigQuery.getTable(restId(id));
      if (found == null) {
        throw SinkException.permanentFailure(
            "table " + id + " does not exist: create it before adding columns", null);
      }
      TableDefinition definition = found.getDefinition();
      TableSchema current =
          definition.getSchema() == null
              ? new TableSchema(List.of())
              : toCore(definition.getSchema());
      List<Field> merged = current.merged(columns).fields();
      if (merged.equals(current.fields())) {
        return;
      }
      TableDefinition updated =
          ((StandardTableDefinition) definition)
              .toBuilder().setSchema(toRest(new TableSchema(merged))).build();
      bigQuery.update(found.toBuilder().setDefinition(updated).build());
      LOG.info("added columns {} to table {}", columns, id);
    } catch (BigQueryException e) {
      throw classify(id, "add columns to", e);
    }
  }

  private static void validate(TableId id, TableSchema schema, TableOptions options)
      throws SinkException {
    if (!options.partitionColumn().isEmpty()) {
      Optional<Field> column = schema.field(options.partitionColumn());
      if (column.isEmpty()
          || !PARTITION_TYPES.contains(column.get().type())
          || column.get().isRepeated()) {
        throw SinkException.permanentFailure(
            "cannot partition table "
                + id
                + " on '"
                + options.partitionColumn()
                + "': the partition column must be a top-level TIMESTAMP, DATE or DATETIME column"
                + " of the schema (or empty for ingestion-time partitioning)",
            null);
      }
      if (column.get().type() == FieldType.DATE
          && options.partitioning() == TableOptions.Partitioning.HOUR) {
        throw SinkException.permanentFailure(
            "cannot partition table "
                + id
                + " by HOUR on DATE column '"
                + options.partitionColumn()
                + "': use DAY, MONTH or YEAR",
            null);
      }
    }
    for (String name : options.clustering()) {
      Optional<Field> column = schema.field(name);
      if (column.isEmpty()
          || column.get().isRepeated()
          || column.get().type() == FieldType.STRUCT) {
        throw SinkException.permanentFailure(
            "cannot cluster table "
                + id
                + " on '"
                + name
                + "': clustering columns must be top-level, non-repeated, non-STRUCT columns of"
                + " the schema",
            null);
      }
    }
  }

  /** Returns {@code table} with this admin's project when it names none. */
  TableId qualified(TableId table) {
    if (table.isLocal()) {
      throw new IllegalArgumentException(
          "BigQuery table '" + table + "' needs a dataset: dataset.table or project.dataset.table");
    }
    return table.project().isEmpty() ? new TableId(project, table.dataset(), table.table()) : table;
  }

  static com.google.cloud.bigquery.TableId restId(TableId id) {
    return com.google.cloud.bigquery.TableId.of(id.project(), id.dataset(), id.table());
  }

  static TableSchema toCore(Schema schema) {
    return new TableSchema(toCore(schema.getFields()));
  }

  private static List<Field> toCore(FieldList fields) {
    List<Field> out = new ArrayList<>();
    if (fields == null) {
      return out;
    }
    for (com.google.cloud.bigquery.Field f : fields) {
      FieldType type = toCore(f.getType());
      FieldMode mode =
          f.getMode() == null ? FieldMode.NULLABLE : FieldMode.valueOf(f.getMode().name());
      out.add(
          new Field(
              f.getName(),
              type,
              mode,
              type == FieldType.STRUCT ? toCore(f.getSubFields()) : List.of(),
              f.getDescription() == null ? "" : f.getDescription()));
    }
    return out;
  }

  private static FieldType toCore(LegacySQLTypeName type) {
    return FieldType.parse(type.name())
        .or(() -> FieldType.parse(type.getStandardType().name()))
        .orElseThrow(() -> new IllegalArgumentException("unsupported BigQuery type " + type));
  }

  static Schema toRest(TableSchema schema) {
    return Schema.of(toRest(schema.fields()));
  }

  private static List<com.google.cloud.bigquery.Field> toRest(List<Field> fields) {
    List<com.google.cloud.bigquery.Field> out = new ArrayList<>();
    for (Field f : fields) {
      var builder =
          f.type() == FieldType.STRUCT
              ? com.google.cloud.bigquery.Field.newBuilder(
                  f.name(), StandardSQLTypeName.STRUCT, FieldList.of(toRest(f.fields())))
              : com.google.cloud.bigquery.Field.newBuilder(
                  f.name(), StandardSQLTypeName.valueOf(f.type().standardName()));
      builder.setMode(com.google.cloud.bigquery.Field.Mode.valueOf(f.mode().name()));
      if (!f.description().isEmpty()) {
        builder.setDescription(f.description());
      }
      out.add(builder.build());
    }
    return out;
  }

  /** Classifies a REST failure to {@code action} table {@code id}, with the fix when known. */
  SinkException classify(TableId id, String action, BigQueryException e) {
    String dataset = id.project() + ":" + id.dataset();
    String detail = e.getMessage();
    return switch (e.getCode()) {
      case 404 ->
          SinkException.permanentFailure(
              "cannot "
                  + action
                  + " table "
                  + id
                  + ": "
                  + detail
                  + " (create the dataset: bq mk --dataset "
                  + dataset
                  + ")",
              e);
      case 401 ->
          SinkException.permanentFailure(
              "no valid credentials to "
                  + action
                  + " table "
                  + id
                  + ": run 'gcloud auth application-default login' or set"
                  + " GOOGLE_APPLICATION_CREDENTIALS ("
                  + detail
                  + ")",
              e);
      case 403 ->
          SinkException.permanentFailure(
              "permission denied to "
                  + action
                  + " table "
                  + id
                  + ": grant roles/bigquery.dataEditor on dataset "
                  + dataset
                  + " to the pipeline's service account ("
                  + detail
                  + ")",
              e);
      case 400 ->
          SinkException.permanentFailure(
              "BigQuery refused to " + action + " table " + id + ": " + detail, e);
      default ->
          e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500 || e.isRetryable()
              ? SinkException.transientFailure(
                  "could not " + action + " table " + id + ": " + detail, e)
              : SinkException.permanentFailure(
                  "could not " + action + " table " + id + ": " + detail, e);
    };
  }

  /**
   * Releases nothing: the BigQuery REST client opens a connection per request and has no close of
   * its own.
   */
  @Override
  public void close() {}
}
