package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.awaitility.Awaitility;

/**
 * The Beam side of the runners' parity test, run by it as a child process (so Beam's dependency
 * tree never meets the standalone runner's): the production graph reads a subscription of Google's
 * Pub/Sub emulator through PubsubIO's own client and writes to Beam's BigQuery test services, at
 * least once, until the expected rows and dead letters are there; then it writes them as they
 * landed, one JSON object per line, to {@code rows.ndjson} and {@code dead_letters.ndjson}.
 *
 * <p>Arguments: emulator REST root, subscription, schema file, mapping config file, rows, dead
 * letters, output directory.
 */
public final class ParityHarness {
  private ParityHarness() {}

  public static void main(String[] args) throws Exception {
    String restRoot = args[0];
    String subscription = args[1];
    String schemaFile = args[2];
    String mappingFile = args[3];
    int rows = Integer.parseInt(args[4]);
    int deadLetters = Integer.parseInt(args[5]);
    Path out = Path.of(args[6]);
    FakeBigQuery bigQuery = FakeBigQuery.withTable(Files.readString(Path.of(schemaFile)));
    DcpBeamOptions options =
        BeamJobs.options(
            subscription,
            bigQuery,
            schemaFile,
            BeamJobs.Mode.AT_LEAST_ONCE,
            "--mappingConfigFile=" + mappingFile,
            "--pubsubRootUrl=" + restRoot,
            "--blockOnRun=false",
            "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory");
    PipelineResult result = DcpBeamMain.prepare(options, bigQuery.io()).run();
    try {
      Awaitility.await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> bigQuery.rows().size() >= rows && bigQuery.deadLetters().size() >= deadLetters);
    } finally {
      result.cancel();
    }
    Files.createDirectories(out);
    Files.write(out.resolve("rows.ndjson"), lines(bigQuery.rows()));
    Files.write(out.resolve("dead_letters.ndjson"), lines(bigQuery.deadLetters()));
    System.exit(0);
  }

  private static List<String> lines(List<TableRow> rows) {
    List<String> out = new ArrayList<>();
    for (TableRow row : rows) {
      out.add(TableRows.json(row));
    }
    return out;
  }
}
