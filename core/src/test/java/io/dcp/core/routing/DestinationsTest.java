package io.dcp.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.InMemoryDeadLetterSink;
import io.dcp.core.testing.InMemoryRowSink;
import io.dcp.core.testing.ListMessageSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DestinationsTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final TableId EVENTS = TableId.local("events");
  private static final TableSchema SCHEMA =
      TableSchema.of(Field.of("id", FieldType.STRING), Field.of("n", FieldType.INT64));

  private final InMemoryRowSink rows = new InMemoryRowSink();
  private final InMemoryDeadLetterSink deadLetters = new InMemoryDeadLetterSink();

  private static Message message(String id, String json, Map<String, String> attributes) {
    return new Message(id, json.getBytes(StandardCharsets.UTF_8), attributes, NOW, "", 0);
  }

  private static Destinations.Settings settings(
      String route, int maxTables, Map<TableId, TableSchema> schemas, MemoryAdmin admin) {
    return new Destinations.Settings(
        EVENTS,
        SCHEMA,
        schemas,
        route.isEmpty() ? Optional.empty() : Optional.of(TableRoute.parse(route)),
        maxTables,
        schema -> {
          JsonMessageMapper mapper =
              JsonMessageMapper.create(schema, MappingConfig.typed(), "test", CLOCK);
          return admin == null ? mapper : mapper.reportingNewColumns();
        },
        Optional.ofNullable(admin),
        Optional.empty(),
        admin != null);
  }

  private ListMessageSource run(Destinations.Settings settings, List<Message> messages)
      throws Exception {
    ListMessageSource source = new ListMessageSource(messages);
    IngestPipeline pipeline =
        new IngestPipeline(
            source,
            Destinations.open(settings),
            rows,
            deadLetters,
            PipelineSettings.defaults(),
            PipelineMetrics.NOOP,
            CLOCK);
    pipeline.start();
    pipeline.finished().toCompletableFuture().get(20, TimeUnit.SECONDS);
    pipeline.close();
    return source;
  }

  @Test
  void routesEachMessageToTheTableItsAttributeNamesEachWithItsOwnSchema() throws Exception {
    TableSchema clicks =
        TableSchema.of(Field.of("id", FieldType.STRING), Field.of("x", FieldType.INT64));

    run(
        settings("events_${attr:type}", 10, Map.of(TableId.local("events_click"), clicks), null),
        List.of(
            message("1", "{\"id\":\"a\",\"x\":3}", Map.of("type", "click")),
            message("2", "{\"id\":\"b\",\"n\":4}", Map.of("type", "view")),
            message("3", "{\"id\":\"c\",\"n\":5}", Map.of()),
            message("4", "{\"id\":\"d\",\"x\":6}", Map.of("type", "click"))));

    assertThat(rows.rows(TableId.local("events_click")))
        .containsExactlyInAnyOrder(
            Row.builder().set("id", "a").set("x", 3L).build(),
            Row.builder().set("id", "d").set("x", 6L).build());
    assertThat(rows.rows(TableId.local("events_view")))
        .containsExactly(Row.builder().set("id", "b").set("n", 4L).build());
    assertThat(rows.rows(EVENTS))
        .containsExactly(Row.builder().set("id", "c").set("n", 5L).build());
    assertThat(deadLetters.deadLetters()).isEmpty();
  }

  @Test
  void deadLettersValuesThatCannotNameATableAndTablesPastTheLimit() throws Exception {
    ListMessageSource source =
        run(
            settings("events_${field:kind}", 2, Map.of(), null),
            List.of(
                message("1", "{\"id\":\"a\",\"kind\":\"x\"}", Map.of()),
                message("2", "{\"id\":\"b\",\"kind\":\"../admin\"}", Map.of()),
                message("3", "{\"id\":\"c\",\"kind\":\"y\"}", Map.of()),
                message("4", "not json", Map.of())));

    assertThat(rows.rows(TableId.local("events_x")))
        .containsExactly(Row.builder().set("id", "a").build());
    assertThat(deadLetters.deadLetters())
        .extracting(DeadLetter::errorMessage)
        .containsExactlyInAnyOrder(
            "map: $.kind: value '../admin' cannot be part of a table name (table.route"
                + " events_${field:kind} takes letters, digits, _ and -)",
            "map: table.route names table events_y, past the limit of 2 tables; raise"
                + " table.routeMaxTables if that many are expected",
            "parse: malformed JSON: Unrecognized token 'not': was expecting (JSON String,"
                + " Number, Array, Object or token 'null', 'true' or 'false') at line 1, column 1");
    assertThat(source.totalAcks()).isEqualTo(4);
  }

  @Test
  void aNewFieldBecomesANullableColumnAndRowsThatCarryItLandWithIt() throws Exception {
    MemoryAdmin admin = new MemoryAdmin();

    run(
        settings("", 1, Map.of(), admin),
        List.of(
            message("1", "{\"id\":\"a\",\"n\":1}", Map.of()),
            message("2", "{\"id\":\"b\",\"n\":2,\"venue\":\"XNAS\"}", Map.of()),
            message("3", "{\"id\":\"c\",\"venue\":\"XLON\"}", Map.of()),
            message("4", "{\"id\":\"d\",\"venue\":7}", Map.of())));

    assertThat(admin.added).containsExactly(List.of(Field.of("venue", FieldType.STRING)));
    assertThat(admin.tables.get(EVENTS).fields())
        .extracting(Field::name)
        .containsExactly("id", "n", "venue");
    assertThat(rows.rows(EVENTS))
        .containsExactlyInAnyOrder(
            Row.builder().set("id", "a").set("n", 1L).build(),
            Row.builder().set("id", "b").set("n", 2L).set("venue", "XNAS").build(),
            Row.builder().set("id", "c").set("venue", "XLON").build(),
            Row.builder().set("id", "d").set("venue", "7").build());
    assertThat(deadLetters.deadLetters()).isEmpty();
  }

  @Test
  void aColumnTheWarehouseRefusesDeadLettersTheMessageWithTheReason() throws Exception {
    MemoryAdmin admin = new MemoryAdmin();
    admin.refuse =
        SinkException.permanentFailure("permission denied: bigquery.tables.update", null);

    run(
        settings("", 1, Map.of(), admin),
        List.of(message("1", "{\"id\":\"a\",\"extra\":true}", Map.of())));

    assertThat(rows.rows()).isEmpty();
    assertThat(deadLetters.deadLetters())
        .extracting(DeadLetter::errorMessage)
        .containsExactly(
            "map: schema.evolution could not add columns extra to table events: permission"
                + " denied: bigquery.tables.update");
  }

  @Test
  void aColumnThatCannotBeAddedForNowSendsTheMessageBack() throws Exception {
    MemoryAdmin admin = new MemoryAdmin();
    admin.refuse = SinkException.transientFailure("rate limited", null);

    ListMessageSource source =
        run(
            settings("", 1, Map.of(), admin),
            List.of(message("1", "{\"id\":\"a\",\"extra\":true}", Map.of())));

    assertThat(source.nacks("1")).isEqualTo(1);
    assertThat(rows.rows()).isEmpty();
    assertThat(deadLetters.deadLetters()).isEmpty();
  }

  @Test
  void columnsAnEarlierRunAddedAreFilledWithoutAddingThemAgain() throws Exception {
    MemoryAdmin admin = new MemoryAdmin();
    admin.tables.put(EVENTS, SCHEMA.merged(List.of(Field.of("venue", FieldType.STRING))));

    run(
        settings("", 1, Map.of(), admin),
        List.of(message("1", "{\"id\":\"a\",\"venue\":\"XNAS\"}", Map.of())));

    assertThat(admin.added).isEmpty();
    assertThat(rows.rows(EVENTS))
        .containsExactly(Row.builder().set("id", "a").set("venue", "XNAS").build());
  }

  @Test
  void templatesWithUnknownPlaceholdersAreRefusedWithTheFix() {
    assertThatThrownBy(() -> TableRoute.parse("events_${header:type}"))
        .hasMessage(
            "'${header:type}' is not a placeholder dcp knows: use ${attr:NAME} for an attribute or"
                + " ${field:NAME} (or ${field:a.b}) for a payload field");
    assertThatThrownBy(() -> TableRoute.parse("events"))
        .hasMessageStartingWith("'events' has no placeholder");
    assertThatThrownBy(() -> TableRoute.parse("events_${attr:type"))
        .hasMessage("'events_${attr:type' has an unclosed ${");
  }

  @Test
  void resolvesNestedFieldsAndNumbersAndTreatsObjectsAsMissing() {
    TableRoute route = TableRoute.parse("ds.t_${field:meta.kind}_${attr:v}");

    assertThat(route.resolve(message("1", "{\"meta\":{\"kind\":42}}", Map.of("v", "2"))))
        .isEqualTo(new TableRoute.Resolution.Named("ds.t_42_2"));
    assertThat(route.resolve(message("1", "{\"meta\":{\"kind\":{}}}", Map.of("v", "2"))))
        .isEqualTo(new TableRoute.Resolution.Missing());
    assertThat(route.resolve(message("1", "{\"meta\":{\"kind\":\"a\"}}", Map.of("v", ""))))
        .isEqualTo(new TableRoute.Resolution.Missing());
  }

  /** A warehouse of table schemas, recording each column change. */
  private static final class MemoryAdmin implements TableAdmin {
    @Override
    public void close() {}

    final Map<TableId, TableSchema> tables = new HashMap<>();
    final List<List<Field>> added = new ArrayList<>();
    SinkException refuse;

    @Override
    public synchronized Optional<TableSchema> schema(TableId table) {
      return Optional.ofNullable(tables.get(table));
    }

    @Override
    public synchronized void create(TableId table, TableSchema schema, TableOptions options) {
      tables.putIfAbsent(table, schema);
    }

    @Override
    public synchronized void addColumns(TableId table, List<Field> columns) throws SinkException {
      if (refuse != null) {
        throw refuse;
      }
      added.add(columns);
      tables.put(table, tables.get(table).merged(columns));
    }
  }
}
