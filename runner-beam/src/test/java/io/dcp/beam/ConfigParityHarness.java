package io.dcp.beam;

import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.awaitility.Awaitility;

/**
 * The Beam side of the routed and evolving parity test, run by it as a child process: the
 * production graph, set up by a dcp config file ({@code --configFile}, its {@code PARITY_DATASET}
 * the run's dataset), reads a subscription of Google's Pub/Sub emulator through PubsubIO's own
 * client and writes to Beam's BigQuery test services, at least once, with the schema changes of
 * {@code schema.evolution} made by {@link FakeDatasetService#updateTableSchema}. Once the expected
 * rows (over all tables) and dead letters are there it writes, for each table, its rows ({@code
 * rows-TABLE.ndjson}) and its live schema ({@code schema-TABLE.json}), the dead letters ({@code
 * dead_letters.ndjson}) and the run's dataset ({@code dataset.txt}).
 *
 * <p>Arguments: emulator REST root, subscription, config file, rows, dead letters, output
 * directory, then each table as {@code NAME=SCHEMA_FILE} (the first is the config's {@code
 * table.id}, {@code events}; the job creates no tables, so the harness does).
 */
public final class ConfigParityHarness {
  private ConfigParityHarness() {}

  public static void main(String[] args) throws Exception {
    String restRoot = args[0];
    String subscription = args[1];
    String config = Files.readString(Path.of(args[2]));
    int rows = Integer.parseInt(args[3]);
    int deadLetters = Integer.parseInt(args[4]);
    Path out = Path.of(args[5]);
    List<String> tables = new ArrayList<>();
    FakeBigQuery bigQuery = null;
    for (int i = 6; i < args.length; i++) {
      String name = args[i].substring(0, args[i].indexOf('='));
      String schema = Files.readString(Path.of(args[i].substring(name.length() + 1)));
      if (bigQuery == null) {
        bigQuery = FakeBigQuery.withTable(schema);
      } else {
        bigQuery.addTable(name, schema);
      }
      tables.add(name);
    }
    Path configFile = Files.createTempFile("dcp-parity", ".yaml");
    Files.writeString(
        configFile, config.replace("PARITY_DATASET", bigQuery.dataset), StandardCharsets.UTF_8);
    PipelineOptionsFactory.register(DcpBeamOptions.class);
    DcpBeamOptions options =
        PipelineOptionsFactory.fromArgs(
                "--configFile=" + configFile,
                "--inputSubscription=" + subscription,
                "--streaming=true",
                "--experiments=use_sdf_read",
                "--project=" + FakeBigQuery.PROJECT,
                "--writeMode=AT_LEAST_ONCE",
                "--pubsubRootUrl=" + restRoot,
                "--blockOnRun=false",
                "--credentialFactoryClass="
                    + "org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory")
            .as(DcpBeamOptions.class);
    BeamTableAdmin.SchemaPatch patch =
        (o, table, schema) -> new FakeDatasetService().updateTableSchema(table, schema);
    FakeBigQuery fake = bigQuery;
    PipelineResult result =
        DcpBeamMain.prepare(options, new IoServices(null, fake.services, patch)).run();
    try {
      Awaitility.await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> count(fake, tables) >= rows && fake.deadLetters().size() >= deadLetters);
    } finally {
      result.cancel();
    }
    Files.createDirectories(out);
    for (String table : tables) {
      Files.write(out.resolve("rows-" + table + ".ndjson"), lines(fake.rows(table)));
      TableReference reference =
          new TableReference()
              .setProjectId(FakeBigQuery.PROJECT)
              .setDatasetId(fake.dataset)
              .setTableId(table);
      Files.writeString(
          out.resolve("schema-" + table + ".json"),
          BigQueryHelpers.toJsonString(fake.datasets.getTable(reference).getSchema().getFields()));
    }
    Files.write(out.resolve("dead_letters.ndjson"), lines(fake.deadLetters()));
    Files.writeString(out.resolve("dataset.txt"), fake.dataset);
    System.exit(0);
  }

  private static int count(FakeBigQuery bigQuery, List<String> tables) throws Exception {
    int rows = 0;
    for (String table : tables) {
      rows += bigQuery.rows(table).size();
    }
    return rows;
  }

  private static List<String> lines(List<TableRow> rows) {
    List<String> out = new ArrayList<>();
    for (TableRow row : rows) {
      out.add(TableRows.json(row));
    }
    return out;
  }
}
