package io.dcp.beam;

import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.beam.sdk.io.gcp.testing.FakeBigQueryServices;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;
import org.apache.beam.sdk.io.gcp.testing.FakeJobService;

/**
 * Beam's own BigQuery test services with one dataset per run (BigQueryIO keeps JVM-wide caches of
 * tables and streams): the output table {@code events}, created with the run's schema, and the
 * dead-letter table {@code dead_letters}, which the job creates.
 */
final class FakeBigQuery {
  static final String PROJECT = "dcp-test";
  private static final AtomicInteger RUNS = new AtomicInteger();

  final String dataset;
  final FakeDatasetService datasets;
  final FakeBigQueryServices services;

  private FakeBigQuery(String dataset, FakeDatasetService datasets) {
    this.dataset = dataset;
    this.datasets = datasets;
    this.services =
        new FakeBigQueryServices()
            .withDatasetService(datasets)
            .withJobService(new FakeJobService());
  }

  /** A new dataset with the table {@code events} of {@code schemaJson}. */
  static FakeBigQuery withTable(String schemaJson) throws Exception {
    return withTable(schemaJson, null);
  }

  /** As {@link #withTable(String)}, the table refusing each row {@code refuse} is true for. */
  static FakeBigQuery withTable(String schemaJson, SerializableRowTest refuse) throws Exception {
    if (RUNS.get() == 0) {
      FakeDatasetService.setUp();
      FakeJobService.setUp();
    }
    String dataset = "run_" + RUNS.incrementAndGet() + "_" + System.nanoTime();
    FakeDatasetService datasets = new FakeDatasetService();
    if (refuse != null) {
      datasets.setShouldFailRow(refuse);
    }
    datasets.createDataset(PROJECT, dataset, "", "", null);
    datasets.createTable(
        new Table()
            .setTableReference(reference(dataset, "events"))
            .setSchema(DcpBeamPipeline.tableSchema(schemaJson)));
    return new FakeBigQuery(dataset, datasets);
  }

  IoServices io() {
    return new IoServices(null, services);
  }

  String table() {
    return PROJECT + ":" + dataset + ".events";
  }

  String deadLetterTable() {
    return PROJECT + ":" + dataset + ".dead_letters";
  }

  /** Adds the table {@code name} of {@code schemaJson} to the run's dataset. */
  void addTable(String name, String schemaJson) throws Exception {
    datasets.createTable(
        new Table()
            .setTableReference(reference(dataset, name))
            .setSchema(DcpBeamPipeline.tableSchema(schemaJson)));
  }

  /** The rows of table {@code name}, keyed by its schema's column names. */
  List<TableRow> rows(String name) throws Exception {
    return rowsOf(name);
  }

  /** The rows of {@code events}, keyed by the schema's column names. */
  List<TableRow> rows() throws Exception {
    return rowsOf("events");
  }

  /** The rows of {@code dead_letters}, keyed by the layout's column names; empty if none. */
  List<TableRow> deadLetters() throws Exception {
    return datasets.getTable(reference(dataset, "dead_letters")) == null
        ? List.of()
        : rowsOf("dead_letters");
  }

  /**
   * The rows of {@code table} with the column names of its schema: the fake keeps what the Storage
   * Write API received, whose proto field names are lower case.
   */
  private List<TableRow> rowsOf(String table) throws Exception {
    List<TableFieldSchema> fields =
        datasets.getTable(reference(dataset, table)).getSchema().getFields();
    List<TableRow> out = new ArrayList<>();
    for (TableRow row : snapshot(table)) {
      out.add(named(row, fields));
    }
    return out;
  }

  /** The fake's rows of {@code table}; read again when a running job appends meanwhile. */
  private List<TableRow> snapshot(String table) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return new ArrayList<>(datasets.getAllRows(PROJECT, dataset, table));
      } catch (ConcurrentModificationException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static TableRow named(Map<?, ?> row, List<TableFieldSchema> fields) {
    TableRow out = new TableRow();
    for (TableFieldSchema field : fields) {
      Object value = null;
      for (Map.Entry<?, ?> e : row.entrySet()) {
        if (e.getKey().toString().equalsIgnoreCase(field.getName())) {
          value = e.getValue();
        }
      }
      if (value == null) {
        continue;
      }
      if (field.getFields() != null && !field.getFields().isEmpty()) {
        if (value instanceof List<?> list) {
          List<Object> records = new ArrayList<>();
          for (Object element : list) {
            records.add(named((Map<?, ?>) element, field.getFields()));
          }
          value = records;
        } else {
          value = named((Map<?, ?>) value, field.getFields());
        }
      }
      out.set(field.getName(), value);
    }
    return out;
  }

  private static TableReference reference(String dataset, String table) {
    return new TableReference().setProjectId(PROJECT).setDatasetId(dataset).setTableId(table);
  }

  /** Which rows a table refuses; serializable, since the test services travel with the job. */
  interface SerializableRowTest extends Function<TableRow, Boolean>, Serializable {}
}
