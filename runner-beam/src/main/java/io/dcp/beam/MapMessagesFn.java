package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.routing.Destinations;
import io.dcp.core.routing.TableRoute;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Maps each Pub/Sub message to rows with core's {@link JsonMessageMapper}, exactly as the
 * standalone runner does: each row to {@link #ROWS} beside its original message (the row BigQueryIO
 * hands back if it refuses the row, see {@link MessageRows}), a rejected message to {@link
 * #DEAD_LETTERS} as its whole dead-letter row. Never throws on a message: a mapper that throws
 * makes a {@code map} dead letter, as in the standalone runner, so one poison message cannot fail
 * bundles that a streaming job would retry forever.
 */
final class MapMessagesFn extends DoFn<PubsubMessage, KV<TableRow, TableRow>> {
  static final TupleTag<KV<TableRow, TableRow>> ROWS = new TupleTag<>() {};
  static final TupleTag<TableRow> DEAD_LETTERS = new TupleTag<>() {};

  /**
   * Makes the mapper on a worker; production uses core's {@link JsonMessageMapper}, with the UDF
   * run first when the job has one ({@link TransformingMapperFactory}).
   */
  @FunctionalInterface
  interface MapperFactory extends Serializable {
    MessageMapper create(TableSchema schema, MappingConfig mapping, String source);

    /**
     * As {@link #create}, for {@code schema.evolution: add-columns}: the mapper reports fields with
     * no column as columns to add ({@link JsonMessageMapper#reportingNewColumns}).
     */
    default MessageMapper createReportingNewColumns(
        TableSchema schema, MappingConfig mapping, String source) {
      MessageMapper made = create(schema, mapping, source);
      return made instanceof JsonMessageMapper json ? json.reportingNewColumns() : made;
    }

    /** Releases what the mappers made so far hold; called once, from the DoFn's teardown. */
    default void close() {}
  }

  static final MapperFactory CORE =
      (schema, mapping, source) ->
          JsonMessageMapper.create(schema, mapping, source, Clock.systemUTC());

  private final String schemaJson;
  private final String mappingYaml;
  private final String source;
  private final MapperFactory mapperFactory;
  private final RouteSpec routes;
  private final BeamTableAdmin.Factory admins;
  private transient MessageMapper mapper;
  private transient MappingConfig mapping;
  private transient Destinations destinations;
  private transient BeamTableAdmin admin;
  private transient TableSchema schema;
  private transient BeamPipelineMetrics metrics;

  /**
   * @param schemaJson the table schema in BigQuery's JSON format
   * @param mappingYaml a dcp config whose mapping section applies, or empty for the defaults
   * @param source the subscription or files, named in metadata and dead letters
   */
  MapMessagesFn(String schemaJson, String mappingYaml, String source) {
    this(schemaJson, mappingYaml, source, CORE);
  }

  /** As above, with the mapper made by {@code mapperFactory}: for tests of the guard. */
  MapMessagesFn(String schemaJson, String mappingYaml, String source, MapperFactory mapperFactory) {
    this(schemaJson, mappingYaml, source, mapperFactory, null, null);
  }

  /**
   * As above, each message routed to its table by core's {@link Destinations} when {@code routes}
   * is not null: the row's message then carries its table under {@link #TABLE}. With {@code
   * schema.evolution: add-columns} ({@link RouteSpec#addColumns}) the tables are read and widened
   * through a table admin of {@code admins}, before the rows that need the new columns are output.
   */
  MapMessagesFn(
      String schemaJson,
      String mappingYaml,
      String source,
      MapperFactory mapperFactory,
      RouteSpec routes,
      BeamTableAdmin.Factory admins) {
    this.schemaJson = schemaJson;
    this.mappingYaml = mappingYaml;
    this.source = source;
    this.mapperFactory = mapperFactory;
    this.routes = routes;
    this.admins = admins;
  }

  /** The key of a routed row's message that names its table (core's table id). */
  static final String TABLE = "dcp_table";

  @Setup
  public void setup() throws SchemaException, ConfigException {
    schema = SchemaJson.parse(schemaJson, "the schema");
    mapping = mappingYaml.isEmpty() ? MappingConfig.typed() : ConfigLoader.loadMapping(mappingYaml);
    mapper = mapperFactory.create(schema, mapping, source);
    metrics = new BeamPipelineMetrics();
  }

  /**
   * Opens the tables on the first bundle, where the pipeline options are at hand: with evolution,
   * core reads each table's live columns, which fails the bundle (to be retried) when BigQuery
   * cannot answer for now.
   */
  @StartBundle
  public void startBundle(PipelineOptions options) throws SchemaException, SinkException {
    if (routes == null || destinations != null) {
      return;
    }
    Map<TableId, TableSchema> schemas = new HashMap<>();
    for (Map.Entry<String, String> own : routes.schemas().entrySet()) {
      schemas.put(
          TableId.parse(own.getKey()),
          SchemaJson.parse(own.getValue(), "the schema of " + own.getKey()));
    }
    if (routes.addColumns() && admin == null) {
      admin = admins.open(options);
    }
    destinations =
        Destinations.open(
            new Destinations.Settings(
                TableId.parse(routes.defaultTable()),
                schema,
                schemas,
                routes.route().isEmpty()
                    ? Optional.empty()
                    : Optional.of(TableRoute.parse(routes.route())),
                routes.maxTables(),
                this::mapperFor,
                Optional.ofNullable(admin),
                Optional.empty(),
                routes.addColumns()));
  }

  /** The mapper of a table's schema: under evolution, one that reports new fields as columns. */
  private MessageMapper mapperFor(TableSchema tableSchema) {
    return routes.addColumns()
        ? mapperFactory.createReportingNewColumns(tableSchema, mapping, source)
        : mapperFactory.create(tableSchema, mapping, source);
  }

  @Teardown
  public void teardown() throws Exception {
    mapperFactory.close();
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }

  @ProcessElement
  public void process(
      @Element PubsubMessage element,
      @Timestamp org.joda.time.Instant timestamp,
      MultiOutputReceiver out) {
    Message message = toMessage(element, timestamp);
    metrics.messageReceived(message.size());
    MappingResult result;
    List<TableRow> rows = new ArrayList<>();
    String table = null;
    try {
      TableSchema tableSchema = schema;
      if (destinations != null) {
        Destinations.Routed routed = destinations.route(message);
        if (routed instanceof Destinations.Routed.Unroutable unroutable) {
          DeadLetter deadLetter =
              DeadLetter.of(
                  message,
                  Stage.MAP,
                  unroutable.path(),
                  unroutable.reason(),
                  java.time.Instant.now());
          out.get(DEAD_LETTERS).output(DeadLetterRows.of(deadLetter));
          metrics.deadLettered(Stage.MAP, 1);
          return;
        }
        Destinations.Destination destination = ((Destinations.Routed.To) routed).destination();
        // Under evolution the columns are added here, before the rows that need them leave.
        result = destination.mapEvolving(message, Clock.systemUTC());
        // The schema the rows were made with: wider than before if columns were just added.
        tableSchema = destination.schema();
        table = destination.table().toString();
      } else {
        result = mapper.map(message);
      }
      if (result instanceof MappingResult.Mapped mapped) {
        for (Row row : mapped.rows()) {
          rows.add(TableRows.of(row, tableSchema.fields()));
        }
      }
      if (result instanceof MappingResult.NewColumns columns) {
        // Only a mapper made for schema evolution asks for columns, and core adds them there.
        result =
            new MappingResult.Rejected(
                DeadLetter.of(
                    message,
                    Stage.MAP,
                    "",
                    "fields "
                        + columns.columns().stream().map(f -> f.name()).toList()
                        + " have no column, and schema.evolution is not add-columns",
                    java.time.Instant.now()));
      }
    } catch (SinkException e) {
      // BigQuery could not open a table or add columns for now: keep the message for a retry.
      throw new IllegalStateException("routing message " + message.id() + " failed", e);
    } catch (RuntimeException e) {
      rows.clear();
      result = new MappingResult.Rejected(unexpected(message, e));
    }
    if (result instanceof MappingResult.Rejected rejected) {
      out.get(DEAD_LETTERS).output(DeadLetterRows.of(rejected.deadLetter()));
      metrics.deadLettered(rejected.deadLetter().stage(), 1);
      return;
    }
    TableRow original = MessageRows.of(message);
    if (table != null) {
      original.set(TABLE, table);
    }
    for (TableRow row : rows) {
      out.get(ROWS).output(KV.of(row, original));
    }
    metrics.rowsWritten(TableId.local("mapped"), rows.size());
  }

  /** The dead letter the standalone runner makes when a mapper breaks its promise not to throw. */
  private static DeadLetter unexpected(Message message, RuntimeException e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return new DeadLetter(
        message,
        Stage.MAP,
        "",
        "unexpected mapping failure: " + e,
        trace.toString(),
        java.time.Instant.now());
  }

  /**
   * The core message: bytes, attributes, id and ordering key untouched; publish time from the
   * timestamp (PubsubIO stamps each message with its publish time).
   */
  static Message toMessage(PubsubMessage element, org.joda.time.Instant timestamp) {
    Map<String, String> attributes = element.getAttributeMap();
    return new Message(
        element.getMessageId() == null ? "" : element.getMessageId(),
        element.getPayload(),
        attributes == null ? Map.of() : attributes,
        java.time.Instant.ofEpochMilli(timestamp.getMillis()),
        element.getOrderingKey() == null ? "" : element.getOrderingKey(),
        0);
  }
}
