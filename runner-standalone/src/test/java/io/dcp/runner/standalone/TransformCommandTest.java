package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.DcpCli.dcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.DcpCli.Result;
import io.dcp.runner.standalone.process.TransformRunConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dcp run} and {@code dcp validate} with the Dataflow template's sample UDFs. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TransformCommandTest {
  private static final Path SAMPLES = Path.of("../examples/transforms");

  @TempDir Path dir;

  private List<String> args(String command, Path udf, String input, String schema)
      throws Exception {
    Path config = TransformRunConfig.write(dir, input, schema, udf, "functionName: process");
    return new ArrayList<>(List.of(command, "--config", config.toString()));
  }

  private List<String> query(String sql) throws Exception {
    return TransformRunConfig.database(dir).column(sql);
  }

  @Test
  void reshapeSampleLandsFlattenedRenamedRows() throws Exception {
    Result run =
        dcp(
            args(
                "run",
                SAMPLES.resolve("reshape.js"),
                """
                {"id":1,"name":"Ada","ssn":"1","location":{"city":"Oslo","country":"NO"}}
                {"id":2,"name":"Bo","ssn":"2","location":{"city":"Lund","country":"SE"}}
                """,
                """
                [{"name":"id","type":"INT64"},{"name":"user_name","type":"STRING"},
                 {"name":"city","type":"STRING"},{"name":"country","type":"STRING"},
                 {"name":"ssn","type":"STRING"}]
                """));

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(
            query(
                "SELECT id || ' ' || user_name || ' ' || city || ' ' || country || ' '"
                    + " || coalesce(ssn, 'null') FROM events ORDER BY id"))
        .containsExactly("1 Ada Oslo NO null", "2 Bo Lund SE null");
  }

  @Test
  void filterSampleDropsDebugEventsWithoutDeadLetters() throws Exception {
    Result run =
        dcp(
            args(
                "run",
                SAMPLES.resolve("filter.js"),
                """
                {"severity":"INFO","msg":"a"}
                {"severity":"DEBUG","msg":"b"}
                {"severity":"ERROR","msg":"c"}
                """,
                """
                [{"name":"severity","type":"STRING"},{"name":"msg","type":"STRING"}]
                """));

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("3 messages, 2 rows written").contains("0 dead letters");
    assertThat(query("SELECT severity || ' ' || msg FROM events ORDER BY msg"))
        .containsExactly("INFO a", "ERROR c");
  }

  @Test
  void enrichSampleAddsAComputedColumn() throws Exception {
    Result run =
        dcp(
            args(
                "run",
                SAMPLES.resolve("enrich.js"),
                """
                {"item":"pen","price":2.5,"quantity":4}
                {"item":"cup","price":3,"quantity":2}
                """,
                """
                [{"name":"item","type":"STRING"},{"name":"price","type":"FLOAT64"},
                 {"name":"quantity","type":"INT64"},{"name":"total","type":"FLOAT64"},
                 {"name":"dataFeed","type":"STRING"}]
                """));

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(query("SELECT item || ' ' || total || ' ' || dataFeed FROM events ORDER BY item"))
        .containsExactly("cup 6.0 Real-time Transactions", "pen 10.0 Real-time Transactions");
  }

  @Test
  void hostileScriptsBecomeTransformDeadLettersWhileTheNextMessageLands() throws Exception {
    Path udf = TransformRunConfig.udf(dir, "hostile.js");
    Result run =
        dcp(
            args(
                "run",
                udf,
                """
                {"kind":"throw"}
                {"kind":"ok","n":1}
                {"kind":"text"}
                {"kind":"ok","n":2}
                {"kind":"loop"}
                {"kind":"ok","n":3}
                {"kind":"java"}
                {"kind":"ok","n":4}
                """,
                """
                [{"name":"kind","type":"STRING"},{"name":"n","type":"INT64"}]
                """));

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(query("SELECT kind || n FROM events ORDER BY n"))
        .containsExactly("ok1", "ok2", "ok3", "ok4");
    assertThat(
            query(
                "SELECT message_id || ' ' || errorMessage || ' | ' || payloadString"
                    + " FROM dead_letters ORDER BY message_id"))
        .containsExactly(
            "in.ndjson:1 transform: process threw Error: no kind throw at hostile.js:4"
                + " | {\"kind\":\"throw\"}",
            "in.ndjson:3 transform: process returned a string that is not JSON: Unrecognized token"
                + " 'not': was expecting (JSON String, Number, Array, Object or token 'null',"
                + " 'true' or 'false') | {\"kind\":\"text\"}",
            "in.ndjson:5 transform: process ran out of its budget (Statement count limit of 10000"
                + " exceeded. Statements executed 10001.) | {\"kind\":\"loop\"}",
            "in.ndjson:7 transform: process threw TypeError: Access to host class"
                + " java.lang.System is not allowed or does not exist. at hostile.js:16"
                + " | {\"kind\":\"java\"}");
  }

  @Test
  void replayRunsTheTransformAgainOnTheOriginalMessage() throws Exception {
    List<String> run =
        args(
            "run",
            SAMPLES.resolve("enrich.js"),
            "{\"item\":\"pen\",\"price\":2.5,\"quantity\":4}\n",
            "[{\"name\":\"item\",\"type\":\"STRING\"},{\"name\":\"price\",\"type\":\"FLOAT64\"},"
                + "{\"name\":\"quantity\",\"type\":\"INT64\"},{\"name\":\"total\",\"type\":\"FLOAT64\"}]");
    List<String> strict = new ArrayList<>(run);
    strict.addAll(List.of("--set", "mapping.unknownFields=reject"));
    Result first = dcp(strict);
    assertThat(first.out()).as(first.err()).contains("1 messages, 0 rows written");
    assertThat(query("SELECT errorMessage || ' | ' || payloadString FROM dead_letters"))
        .containsExactly(
            "map: $.dataFeed: unknown field (mapping.unknownFields is reject)"
                + " | {\"item\":\"pen\",\"price\":2.5,\"quantity\":4}");

    List<String> replay = new ArrayList<>(run);
    replay.set(0, "replay");
    Result replayed = dcp(replay);

    assertThat(replayed.status()).as(replayed.err()).isZero();
    assertThat(query("SELECT item || ' ' || total FROM events")).containsExactly("pen 10.0");
    assertThat(query("SELECT count(*) FROM dead_letters")).containsExactly("0");
  }

  @Test
  void scriptThatDoesNotCompileStopsTheRunAtStartWithItsLine() throws Exception {
    Path udf = TransformRunConfig.udf(dir, "broken.js");
    Result run = dcp(args("run", udf, "{\"a\":1}\n", "[{\"name\":\"a\",\"type\":\"INT64\"}]"));

    assertThat(run.status()).isEqualTo(Main.CONFIG_ERROR);
    assertThat(run.err())
        .contains("transform.javascript.path")
        .contains("does not compile")
        .contains("broken.js:2");
  }

  @Test
  void validateShowsTheTransformedPayloadAndTheRowItMapsTo() throws Exception {
    List<String> args =
        args(
            "validate",
            SAMPLES.resolve("enrich.js"),
            "{\"item\":\"pen\",\"price\":2.5,\"quantity\":4}\n",
            """
            [{"name":"item","type":"STRING"},{"name":"total","type":"FLOAT64"}]
            """);
    args.addAll(List.of("--sample", dir.resolve("in.ndjson").toString()));

    Result validate = dcp(args);

    assertThat(validate.status()).as(validate.err()).isZero();
    assertThat(validate.out())
        .contains(
            "in.ndjson:1: transformed to {\"item\":\"pen\",\"price\":2.5,\"quantity\":4,"
                + "\"dataFeed\":\"Real-time Transactions\",\"total\":10}")
        .contains("  maps to ")
        .contains("1 messages: 1 rows would land, 0 dead letters");
  }

  @Test
  void validateWithEvolutionShowsTheTransformedPayloadTheNewColumnsAndTheRow() throws Exception {
    List<String> args =
        args(
            "validate",
            SAMPLES.resolve("enrich.js"),
            "{\"item\":\"pen\",\"price\":2.5,\"quantity\":4}\n{\"item\":\"cap\"}\n",
            """
            [{"name":"item","type":"STRING"}]
            """);
    args.addAll(
        List.of(
            "--set",
            "schema.evolution=add-columns",
            "--sample",
            dir.resolve("in.ndjson").toString()));

    Result validate = dcp(args);

    assertThat(validate.status()).as(validate.err()).isZero();
    // The second message needs only dataFeed, which the first one's columns already add.
    assertThat(validate.out())
        .isEqualTo(
            """
            Config OK: ndjson -> table events (1 columns)
            in.ndjson:1: transformed to {"item":"pen","price":2.5,"quantity":4,\
            "dataFeed":"Real-time Transactions","total":10}
              adds columns price FLOAT64 NULLABLE, quantity INT64 NULLABLE, dataFeed STRING\
             NULLABLE, total INT64 NULLABLE to table events
              maps to Row{item=pen, price=2.5, quantity=4, dataFeed=Real-time Transactions,\
             total=10}
            in.ndjson:2: transformed to {"item":"cap","dataFeed":"Real-time Transactions",\
            "total":null}
              maps to Row{item=cap, dataFeed=Real-time Transactions}
            2 messages: 2 rows would land, 0 dead letters
            """);
  }
}
