package io.dcp.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.SchemaJson;
import io.dcp.testing.bigquery.BigQueryFakes;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import io.dcp.testing.process.DcpProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity on the production paths: one corpus published once to a topic of Google's Pub/Sub emulator
 * with two subscriptions; (a) {@code dcp run} (the packaged {@code dcp.jar}, source {@code pubsub})
 * reads one into the BigQuery test servers, (b) the Beam job (runner-beam's {@code ParityHarness}
 * on DirectRunner, PubsubIO's own client) reads the other into Beam's BigQuery test services. Each
 * runner is a child process with its own classpath, so the two dependency trees never meet. Rows
 * and dead letters must be the same, clock columns aside.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class RunnersParityIT {
  static final Path ROOT = Path.of("..");
  static final Path CORPORA = Path.of("src/test/resources/corpus");
  static final String PROJECT = "dcp-parity";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final AtomicInteger NAMES = new AtomicInteger();

  /** Columns that hold the time of a run or a runner's own detail, not the message's. */
  static final Set<String> ROW_CLOCK_COLUMNS = Set.of("ingested_at");

  static final Set<String> DEAD_LETTER_SKIPPED =
      Set.of("timestamp", "publish_time", "stacktrace", "delivery_attempt");

  private final PubSubEmulator emulator;
  @TempDir Path dir;

  RunnersParityIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @ParameterizedTest
  @ValueSource(strings = {"quickstart", "types-and-hostile"})
  void bothRunnersWriteTheSameRowsAndDeadLetters(String corpus) throws Exception {
    Path schemaFile;
    Path mappingFile;
    List<byte[]> messages;
    if (corpus.equals("quickstart")) {
      Path example = ROOT.resolve("examples/quickstart");
      schemaFile = example.resolve("schema.json");
      mappingFile = example.resolve("dcp.yaml");
      messages = lines(example.resolve("events.ndjson"));
    } else {
      schemaFile = CORPORA.resolve("types.schema.json");
      mappingFile = CORPORA.resolve("types.dcp.yaml");
      messages = lines(CORPORA.resolve("types-and-hostile.ndjson"));
    }
    Subscriptions subscriptions = publishToTwoSubscriptions(messages);
    String standaloneSubscription = subscriptions.standalone();
    String beamSubscription = subscriptions.beam();

    List<Field> fields = SchemaJson.parse(Files.readString(schemaFile), "schema").fields();
    Side standalone =
        runStandalone(standaloneSubscription, schemaFile, mappingFile, fields, messages.size());
    assertThat(standalone.rows().size() + standalone.deadLetters().size())
        .isEqualTo(messages.size());
    Side beam =
        runBeam(
            beamSubscription,
            schemaFile,
            mappingFile,
            fields,
            standalone.rows().size(),
            standalone.deadLetters().size());

    System.out.printf(
        "parity %s: %d messages; dcp run %d rows, %d dead letters; Beam %d rows, %d dead"
            + " letters%n",
        corpus,
        messages.size(),
        standalone.rows().size(),
        standalone.deadLetters().size(),
        beam.rows().size(),
        beam.deadLetters().size());
    // Nothing compares equal by being empty: each row has its id and a value, each dead letter
    // its stage, reason and payload.
    assertThat(standalone.rows())
        .allSatisfy(r -> assertThat(r).containsKey("message_id").hasSizeGreaterThan(1));
    assertThat(standalone.deadLetters())
        .allSatisfy(
            d ->
                assertThat(d)
                    .containsKeys("message_id", "stage", "reason", "errorMessage", "payloadBytes"));
    assertThat(beam.rows()).containsExactlyElementsOf(standalone.rows());
    assertThat(beam.deadLetters()).containsExactlyElementsOf(standalone.deadLetters());
  }

  /** The tables of the routed and evolving corpus: the default one first. */
  static final List<String> ROUTED_TABLES = List.of("events", "events_click", "events_view");

  /**
   * The routed and evolving corpus ({@code corpus/routed}): {@code table.route} by a payload field
   * to a table with its own schema, one with the default schema and the default table, each widened
   * by {@code schema.evolution: add-columns} (top-level, nested and repeated-nested fields), with a
   * type conflict, an unroutable value and a conflict in a routed table. Both runners must land the
   * same tables with the same columns (names, types, modes, in order), the same rows and the same
   * dead letters.
   */
  @Test
  void routedAndEvolvingCorpusLandsTheSameTablesSchemasRowsAndDeadLetters() throws Exception {
    Path corpus = CORPORA.resolve("routed");
    Path schemaFile = corpus.resolve("events.schema.json").toAbsolutePath();
    Path clickSchema = corpus.resolve("click.schema.json").toAbsolutePath();
    List<byte[]> messages = lines(corpus.resolve("routed-evolving.ndjson"));
    Subscriptions subscriptions = publishToTwoSubscriptions(messages);
    String standaloneSubscription = subscriptions.standalone();
    String beamSubscription = subscriptions.beam();
    String tableSection =
        """
        table:
          id: %1$s.events
          schema: %2$s
          route: %1$s.events_${field:kind}
          routeMaxTables: 10%4$s
          schemas:
            %1$s.events_click: %3$s
        schema:
          evolution: add-columns
        deadLetter:
          type: bigquery-table
          table: %1$s.dead_letters
        """;

    Map<String, List<String>> standaloneSchemas = new java.util.TreeMap<>();
    Side standalone;
    try (BigQueryFakes bigQuery = BigQueryFakes.start(PROJECT, "parity")) {
      FakeBigQueryWriteServer write = bigQuery.write;
      FakeBigQueryRestServer restServer = bigQuery.rest;
      Path config =
          Files.writeString(
              dir.resolve("dcp-routed.yaml"),
              bigQuery.pubSubRunSections(standaloneSubscription, emulator.hostPort())
                  + "admin:\n  enabled: false\n"
                  + tableSection.formatted("parity", schemaFile, clickSchema, "\n  create: true"));
      DcpProcess dcp = DcpProcess.start(config, dir.resolve("dcp-routed.log"), 0);
      TableId deadLetterTable = TableId.parse(PROJECT + ".parity.dead_letters");
      try {
        dcp.await(
            () -> {
              int landed = write.rows(deadLetterTable).size();
              for (String table : ROUTED_TABLES) {
                landed += write.rows(TableId.parse(PROJECT + ".parity." + table)).size();
              }
              return landed >= messages.size();
            },
            Duration.ofMinutes(2));
      } finally {
        dcp.terminate(Duration.ofSeconds(60));
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String table : ROUTED_TABLES) {
        TableId id = TableId.parse(PROJECT + ".parity." + table);
        List<Field> fields =
            SchemaJson.parse(
                    restServer.table(id).orElseThrow().get("schema").get("fields").toString(),
                    table)
                .fields();
        standaloneSchemas.put(table, columns(fields));
        for (Row row : write.rows(id)) {
          Map<String, Object> canonical = Canonical.row(row.values(), fields, ROW_CLOCK_COLUMNS);
          canonical.put("table", table);
          rows.add(canonical);
        }
      }
      List<Map<String, Object>> deadLetters = new ArrayList<>();
      for (Row row : write.rows(deadLetterTable)) {
        deadLetters.add(
            Canonical.row(row.values(), DeadLetterTable.SCHEMA.fields(), DEAD_LETTER_SKIPPED));
      }
      standalone = Side.of(rows, deadLetters);
    }

    Path beamConfig = dir.resolve("beam-routed.yaml");
    Files.writeString(
        beamConfig,
        "sink:\n  type: bigquery\n  bigquery:\n    project: dcp-test\n"
            + tableSection.formatted("PARITY_DATASET", schemaFile, clickSchema, ""));
    Path out = dir.resolve("beam-routed");
    ChildJvm.runBeam(
        Path.of("."),
        true,
        dir.resolve("beam-routed.log"),
        Duration.ofMinutes(5),
        "io.dcp.beam.ConfigParityHarness",
        emulator.restRoot(),
        beamSubscription,
        beamConfig.toString(),
        Integer.toString(standalone.rows().size()),
        Integer.toString(standalone.deadLetters().size()),
        out.toString(),
        "events=" + schemaFile,
        "events_click=" + clickSchema,
        "events_view=" + schemaFile);
    Map<String, List<String>> beamSchemas = new java.util.TreeMap<>();
    List<Map<String, Object>> beamRows = new ArrayList<>();
    for (String table : ROUTED_TABLES) {
      List<Field> fields =
          SchemaJson.parse(Files.readString(out.resolve("schema-" + table + ".json")), table)
              .fields();
      beamSchemas.put(table, columns(fields));
      for (Map<String, Object> row :
          readRows(out.resolve("rows-" + table + ".ndjson"), fields, ROW_CLOCK_COLUMNS)) {
        row.put("table", table);
        beamRows.add(row);
      }
    }
    // A reason that quotes table.route names the dataset, the Beam side's own per run.
    String dataset = Files.readString(out.resolve("dataset.txt"));
    List<Map<String, Object>> beamDeadLetters = new ArrayList<>();
    for (Map<String, Object> deadLetter :
        readRows(
            out.resolve("dead_letters.ndjson"),
            DeadLetterTable.SCHEMA.fields(),
            DEAD_LETTER_SKIPPED)) {
      deadLetter.replaceAll(
          (column, value) ->
              value instanceof String text
                      && (column.equals("reason") || column.equals("errorMessage"))
                  ? text.replace(dataset + ".", "parity.")
                  : value);
      beamDeadLetters.add(deadLetter);
    }
    Side beam = Side.of(beamRows, beamDeadLetters);

    System.out.printf(
        "parity routed-evolving: %d messages; dcp run %d rows, %d dead letters; Beam %d rows,"
            + " %d dead letters; schemas %s%n",
        messages.size(),
        standalone.rows().size(),
        standalone.deadLetters().size(),
        beam.rows().size(),
        beam.deadLetters().size(),
        standaloneSchemas);
    assertThat(standaloneSchemas.get("events_view"))
        .as("evolution added columns on the standalone side")
        .hasSizeGreaterThan(4);
    assertThat(beamSchemas).isEqualTo(standaloneSchemas);
    assertThat(beam.rows()).containsExactlyElementsOf(standalone.rows());
    assertThat(beam.deadLetters()).containsExactlyElementsOf(standalone.deadLetters());
  }

  /** Each column as {@code path TYPE MODE}, sub-fields after their RECORD, in order. */
  private static List<String> columns(List<Field> fields) {
    List<String> out = new ArrayList<>();
    columns("", fields, out);
    return out;
  }

  private static void columns(String prefix, List<Field> fields, List<String> out) {
    for (Field field : fields) {
      out.add(prefix + field.name() + " " + field.type().standardName() + " " + field.mode());
      columns(prefix + field.name() + ".", field.fields(), out);
    }
  }

  /** Rows and dead letters of one runner, canonical and sorted. */
  record Side(List<Map<String, Object>> rows, List<Map<String, Object>> deadLetters) {
    static Side of(List<Map<String, Object>> rows, List<Map<String, Object>> deadLetters) {
      Comparator<Map<String, Object>> order = Comparator.comparing(Object::toString);
      List<Map<String, Object>> r = new ArrayList<>(rows);
      List<Map<String, Object>> d = new ArrayList<>(deadLetters);
      r.sort(order);
      d.sort(order);
      return new Side(r, d);
    }
  }

  private Side runStandalone(
      String subscription, Path schemaFile, Path mappingFile, List<Field> fields, int expected)
      throws Exception {
    TableId table = TableId.parse(PROJECT + ".parity.events");
    TableId deadLetterTable = TableId.parse(PROJECT + ".parity.dead_letters");
    try (BigQueryFakes bigQuery = BigQueryFakes.start(PROJECT, "parity")) {
      FakeBigQueryWriteServer write = bigQuery.write;
      Path config =
          Files.writeString(
              dir.resolve("dcp-" + System.nanoTime() + ".yaml"),
              bigQuery.pubSubRunSections(subscription, emulator.hostPort())
                  + """
                  table:
                    id: %s
                    schema: %s
                    create: true
                  deadLetter:
                    type: bigquery-table
                    table: %s
                  admin:
                    enabled: false
                  """
                      .formatted(table, schemaFile.toAbsolutePath(), deadLetterTable)
                  + mappingSection(mappingFile));
      DcpProcess dcp = DcpProcess.start(config, dir.resolve("dcp.log"), 0);
      try {
        dcp.await(
            () -> write.rows(table).size() + write.rows(deadLetterTable).size() >= expected,
            Duration.ofMinutes(2));
      } finally {
        dcp.terminate(Duration.ofSeconds(60));
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Row row : write.rows(table)) {
        rows.add(Canonical.row(row.values(), fields, ROW_CLOCK_COLUMNS));
      }
      List<Map<String, Object>> deadLetters = new ArrayList<>();
      for (Row row : write.rows(deadLetterTable)) {
        deadLetters.add(
            Canonical.row(row.values(), DeadLetterTable.SCHEMA.fields(), DEAD_LETTER_SKIPPED));
      }
      return Side.of(rows, deadLetters);
    }
  }

  private Side runBeam(
      String subscription,
      Path schemaFile,
      Path mappingFile,
      List<Field> fields,
      int rows,
      int deadLetters)
      throws Exception {
    Path out = dir.resolve("beam-" + System.nanoTime());
    ChildJvm.runBeam(
        Path.of("."),
        true,
        dir.resolve("beam.log"),
        Duration.ofMinutes(5),
        "io.dcp.beam.ParityHarness",
        emulator.restRoot(),
        subscription,
        schemaFile.toAbsolutePath().toString(),
        mappingFile.toAbsolutePath().toString(),
        Integer.toString(rows),
        Integer.toString(deadLetters),
        out.toString());
    return Side.of(
        readRows(out.resolve("rows.ndjson"), fields, ROW_CLOCK_COLUMNS),
        readRows(
            out.resolve("dead_letters.ndjson"),
            DeadLetterTable.SCHEMA.fields(),
            DEAD_LETTER_SKIPPED));
  }

  private static List<Map<String, Object>> readRows(
      Path file, List<Field> fields, Set<String> skipped) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      Map<String, Object> row = JSON.readValue(line, new TypeReference<>() {});
      out.add(Canonical.row(row, fields, skipped));
    }
    return out;
  }

  /** The dcp config's mapping section (the quickstart's or the corpus's own file). */
  private static String mappingSection(Path mappingFile) throws IOException {
    String text = Files.readString(mappingFile);
    int start = text.indexOf("\nmapping:");
    String section = text.substring(start + 1);
    List<String> out = new ArrayList<>();
    for (String line : section.split("\n")) {
      if (!out.isEmpty() && !line.startsWith(" ") && !line.isBlank()) {
        break;
      }
      out.add(line);
    }
    return String.join("\n", out) + "\n";
  }

  /** The emulator's subscriptions of one topic, one for each runner. */
  private record Subscriptions(String standalone, String beam) {}

  /** A new topic with a subscription for each runner, {@code messages} published to it once. */
  private Subscriptions publishToTwoSubscriptions(List<byte[]> messages) throws Exception {
    String name = "parity-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
    String topic = "projects/" + PROJECT + "/topics/" + name;
    Subscriptions subscriptions =
        new Subscriptions(
            "projects/" + PROJECT + "/subscriptions/" + name + "-dcp",
            "projects/" + PROJECT + "/subscriptions/" + name + "-beam");
    rest("PUT", topic, JSON.createObjectNode());
    for (String s : List.of(subscriptions.standalone(), subscriptions.beam())) {
      rest("PUT", s, JSON.createObjectNode().put("topic", topic).put("ackDeadlineSeconds", 60));
    }
    publish(topic, messages);
    return subscriptions;
  }

  private void publish(String topic, List<byte[]> messages) throws Exception {
    for (int start = 0; start < messages.size(); start += 100) {
      ArrayNode batch = JSON.createArrayNode();
      for (byte[] data : messages.subList(start, Math.min(messages.size(), start + 100))) {
        batch.addObject().put("data", Base64.getEncoder().encodeToString(data));
      }
      ObjectNode body = JSON.createObjectNode();
      body.set("messages", batch);
      rest("POST", topic + ":publish", body);
    }
  }

  private JsonNode rest(String method, String path, ObjectNode body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(emulator.restRoot() + "/v1/" + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The non-blank lines of an NDJSON file, as bytes (a line may be invalid UTF-8). */
  static List<byte[]> lines(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        byte[] line = Arrays.copyOfRange(bytes, start, i);
        if (!new String(line, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
          out.add(line);
        }
        start = i + 1;
      }
    }
    return out;
  }
}
