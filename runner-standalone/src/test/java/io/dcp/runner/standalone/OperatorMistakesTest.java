package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.DcpCli.dcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.DcpCli.Result;
import io.dcp.testing.process.DcpProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an operator's mistakes print: one line naming the key or file and the fix, no trace. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OperatorMistakesTest {
  private static final Path EXAMPLE = Path.of("../examples/quickstart");

  @TempDir Path dir;

  private List<String> quickstart(String command, String... more) {
    List<String> all =
        new ArrayList<>(List.of(command, "--config", EXAMPLE.resolve("dcp.yaml").toString()));
    all.addAll(
        List.of(
            "--set", "source.ndjson.paths=" + EXAMPLE.resolve("events.ndjson"),
            "--set", "table.schema=" + EXAMPLE.resolve("schema.json"),
            "--set", "sink.duckdb.path=" + dir.resolve("q.duckdb")));
    all.addAll(List.of(more));
    return all;
  }

  /** {@code dcp run} of the quickstart as a service: HTTP source on a free port, admin on. */
  private List<String> httpRunWithAdmin(String... adminSettings) throws Exception {
    List<String> args = new ArrayList<>(List.of("--set", "source.type=http"));
    args.addAll(List.of("--set", "source.http.port=" + DcpProcess.freePort()));
    args.addAll(List.of("--set", "admin.enabled=true"));
    args.addAll(List.of(adminSettings));
    return quickstart("run", args.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "validate", "replay", "query", "schema", "schema infer"})
  void helpOnEverySubcommandPrintsItsUsageAndExitsZero(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");

    Result result = dcp(args);

    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("Usage: dcp " + command);
    assertThat(result.err()).isEmpty();
  }

  @Test
  void anAdminPortInUseStopsAServiceRunWithOneLineNamingTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result result = dcp(httpRunWithAdmin("--set", "admin.port=" + taken.getLocalPort()));

      assertThat(result.status()).isEqualTo(2);
      assertThat(result.err())
          .isEqualTo(
              "cannot start: admin.port: 127.0.0.1:"
                  + taken.getLocalPort()
                  + " is in use (another dcp run?): set admin.port to a free port,"
                  + " or admin.enabled: false\n");
      assertThat(result.out()).isEmpty();
    }
  }

  @Test
  void anAdminPortInUseLetsAFileRunGoOnAndSaysSo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result result =
          dcp(
              quickstart(
                  "run",
                  "--set",
                  "admin.enabled=true",
                  "--set",
                  "admin.port=" + taken.getLocalPort()));

      assertThat(result.status()).as(result.err()).isZero();
      assertThat(result.err())
          .contains(
              "warning: admin.port: 127.0.0.1:"
                  + taken.getLocalPort()
                  + " is in use (another dcp run?)")
          .contains("this file run goes on without admin HTTP")
          .doesNotContain("BindException");
      assertThat(result.out()).contains("1,005 messages, 1,000 rows written");
    }
  }

  @Test
  void anAdminHostThatIsNoAddressIsOneLineNamingTheKey() throws Exception {
    Result result =
        dcp(
            httpRunWithAdmin(
                "--set",
                "admin.host=no-such-host.invalid",
                "--set",
                "admin.port=" + DcpProcess.freePort()));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err())
        .startsWith("cannot start: admin.host: 'no-such-host.invalid' is not an address")
        .doesNotContain("Exception");
  }

  @Test
  void aMissingSampleFileIsOneLineNamingIt() {
    Path missing = dir.resolve("nope.ndjson");

    Result validate = dcp(quickstart("validate", "--sample", missing.toString()));
    Result infer = dcp("schema", "infer", missing.toString());

    assertThat(validate.status()).isEqualTo(2);
    assertThat(validate.err()).isEqualTo("--sample: cannot read " + missing + ": check the path\n");
    assertThat(infer.status()).isEqualTo(2);
    assertThat(infer.err())
        .isEqualTo("schema infer: cannot read " + missing + ": check the path\n");
  }

  @Test
  void queryReadsOnlyTheDuckDbFileAndChangesNothing() throws Exception {
    Path db = dir.resolve("q.duckdb");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db)) {
      c.createStatement().execute("CREATE TABLE quotes AS SELECT 'AAPL' AS symbol");
    }
    Path copy = dir.resolve("copy.csv");

    Result select = dcp("query", db.toString(), "SELECT symbol FROM quotes");
    Result copyTo = dcp("query", db.toString(), "COPY quotes TO '" + copy + "' (FORMAT csv)");
    Result readCsv = dcp("query", db.toString(), "SELECT * FROM read_csv('/etc/passwd')");
    Result alter = dcp("query", db.toString(), "ALTER TABLE quotes ADD COLUMN x INT");
    Result missing = dcp("query", dir.resolve("none.duckdb").toString(), "SELECT 1");

    assertThat(select.out()).isEqualTo("symbol\nAAPL\n");
    assertThat(copyTo.status()).isEqualTo(1);
    assertThat(copyTo.err()).startsWith("query failed: ");
    assertThat(Files.exists(copy)).isFalse();
    assertThat(readCsv.status()).isEqualTo(1);
    assertThat(readCsv.err())
        .startsWith("query failed: ")
        .contains("(dcp query reads only the tables of " + db + ", no other file)");
    assertThat(readCsv.out()).doesNotContain("root");
    assertThat(alter.status()).isEqualTo(1);
    assertThat(alter.err()).contains("dcp query only reads");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("query never creates one");
    assertThat(Files.exists(dir.resolve("none.duckdb"))).isFalse();
  }
}
