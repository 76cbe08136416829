package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import com.google.api.services.bigquery.model.TableSchema;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.PubSubDeadLetterFormat;
import io.dcp.core.model.Stage;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryStorageApiInsertError;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.io.gcp.bigquery.WriteResult;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubIO;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessageWithAttributesCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Builds the Beam job from its options: read (Pub/Sub, or NDJSON files in local mode), map with
 * core, write rows with BigQueryIO's Storage Write API (or NDJSON files), and send the mapping's
 * dead letters together with BigQuery's refused rows to the dead-letter table.
 *
 * <p>A refused row becomes a {@code write} dead letter of its original message (BigQueryIO hands
 * back the message carried beside the row, not its own rendering of the row). A dead letter the
 * dead-letter table refuses is written again without {@code payloadString}, then with its payload
 * cut, as the standalone runner does; one refused in every shape fails its bundle, so it is retried
 * rather than acknowledged and lost. With {@code --deadLetterTopic} the dead letters are published
 * to that topic instead, in the standalone runner's format ({@link DeadLetterMessageFn}).
 */
public final class DcpBeamPipeline {
  private DcpBeamPipeline() {}

  /**
   * Adds the job's transforms to {@code pipeline}, with Google's own Pub/Sub and BigQuery clients.
   *
   * @param schemaJson the output table's schema in BigQuery's JSON format
   * @param mappingYaml a dcp config whose mapping section applies, or empty for the defaults
   */
  public static void build(
      Pipeline pipeline, DcpBeamOptions options, String schemaJson, String mappingYaml) {
    if (options.getConfigFile() != null || options.getJavascriptTextTransformGcsPath() != null) {
      // Built here without them, the job would run without its routes or its UDF.
      throw new IllegalArgumentException(
          "--configFile and --javascriptTextTransformGcsPath are read by the job's launcher:"
              + " start the job with DcpBeamMain, which builds it with them");
    }
    build(pipeline, options, schemaJson, mappingYaml, IoServices.GOOGLE, null);
  }

  /**
   * As {@link #build(Pipeline, DcpBeamOptions, String, String)}, with the IO services of {@code io}
   * and, when {@code mapperFactory} is not null, the mapper it makes (the UDF's, or a test's).
   */
  static void build(
      Pipeline pipeline,
      DcpBeamOptions options,
      String schemaJson,
      String mappingYaml,
      IoServices io,
      MapMessagesFn.MapperFactory mapperFactory) {
    build(pipeline, options, schemaJson, mappingYaml, io, mapperFactory, null);
  }

  /**
   * As above, each message routed to its table when {@code routes} is not null ({@link RouteSpec}):
   * BigQueryIO writes each row to its message's table, with that table's schema.
   */
  static void build(
      Pipeline pipeline,
      DcpBeamOptions options,
      String schemaJson,
      String mappingYaml,
      IoServices io,
      MapMessagesFn.MapperFactory mapperFactory,
      RouteSpec routes) {
    BeamOptionsCheck.validate(options);
    checkColumnNames(schemaJson);
    PCollection<PubsubMessage> messages = read(pipeline, options, io);
    if (options.getIdAttribute() != null) {
      messages =
          messages.apply(
              "Drop duplicates by " + options.getIdAttribute(),
              new DeduplicateByAttribute(options.getIdAttribute()));
    }
    String source =
        firstSet(options.getInputSubscription(), options.getInputTopic(), options.getInputFiles());
    MapMessagesFn mapFn =
        new MapMessagesFn(
            schemaJson,
            mappingYaml,
            source,
            mapperFactory == null ? MapMessagesFn.CORE : mapperFactory,
            routes,
            BeamTableAdmin.Factory.of(options, io));
    PCollectionTuple mapped =
        messages.apply(
            "Map to rows",
            ParDo.of(mapFn)
                .withOutputTags(MapMessagesFn.ROWS, TupleTagList.of(MapMessagesFn.DEAD_LETTERS)));
    PCollection<KV<TableRow, TableRow>> rows =
        mapped
            .get(MapMessagesFn.ROWS)
            .setCoder(KvCoder.of(TableRowJsonCoder.of(), TableRowJsonCoder.of()));
    PCollection<TableRow> deadLetters =
        mapped.get(MapMessagesFn.DEAD_LETTERS).setCoder(TableRowJsonCoder.of());
    if (options.getOutputDirectory() != null) {
      writeFiles(
          rows.apply(
                  "Rows without their messages",
                  MapElements.into(TypeDescriptor.of(TableRow.class)).via(KV::getKey))
              .setCoder(TableRowJsonCoder.of()),
          options.getOutputDirectory() + "/rows",
          "Write rows");
      writeFiles(deadLetters, options.getOutputDirectory() + "/dead_letters", "Write dead letters");
      return;
    }
    WriteResult written =
        rows.apply("Write rows to BigQuery", rowWrite(options, schemaJson, routes, io));
    written
        .getSuccessfulStorageApiInserts()
        .apply("Record end-to-end latency", ParDo.of(new RecordCommitLatencyFn()));
    PCollection<TableRow> refused =
        written
            .getFailedStorageApiInserts()
            .apply("Refused rows to dead letters", ParDo.of(new RefusedRowFn()))
            .setCoder(TableRowJsonCoder.of());
    PCollection<TableRow> pending =
        PCollectionList.of(deadLetters)
            .and(refused)
            .apply("All dead letters", Flatten.pCollections());
    if (options.getDeadLetterTopic() != null) {
      pending
          .apply("Dead letters as Pub/Sub messages", ParDo.of(new DeadLetterMessageFn(source)))
          .setCoder(PubsubMessageWithAttributesCoder.of())
          .apply(
              "Write dead letters to Pub/Sub",
              PubsubIO.writeMessages().to(options.getDeadLetterTopic()));
      return;
    }
    TableSchema deadLetterSchema = tableSchema(SchemaJson.write(DeadLetterTable.SCHEMA));
    for (DeadLetterRows.Shape shape : DeadLetterRows.Shape.values()) {
      WriteResult deadLettersWritten =
          pending.apply(
              shape == DeadLetterRows.Shape.WHOLE
                  ? "Write dead letters to BigQuery"
                  : "Write dead letters " + shape.name().toLowerCase(java.util.Locale.ROOT),
              deadLetterWrite(options, deadLetterSchema, shape, io));
      pending =
          deadLettersWritten
              .getFailedStorageApiInserts()
              .apply(
                  "Dead letters refused " + shape.name().toLowerCase(java.util.Locale.ROOT),
                  ParDo.of(new RefusedDeadLetterFn(shape)))
              .setCoder(TableRowJsonCoder.of());
    }
    pending.apply("Fail on a dead letter refused in every shape", ParDo.of(new RefusedInAllFn()));
  }

  /**
   * Fails on a schema the job cannot write: TableRow, BigQueryIO's row type, reserves the name
   * {@code f} for its cell list, so a column of that name cannot be set.
   */
  private static void checkColumnNames(String schemaJson) {
    io.dcp.core.schema.TableSchema schema;
    try {
      schema = SchemaJson.parse(schemaJson, "the schema");
    } catch (SchemaException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    List<Field> pending = new ArrayList<>(schema.fields());
    while (!pending.isEmpty()) {
      Field field = pending.remove(pending.size() - 1);
      if (field.name().equals("f")) {
        throw new IllegalArgumentException(
            "the schema has a column named 'f', a name BigQueryIO's TableRow reserves: the Beam"
                + " runner cannot write it; rename the column or use the standalone runner");
      }
      pending.addAll(field.fields());
    }
  }

  private static PCollection<PubsubMessage> read(
      Pipeline pipeline, DcpBeamOptions options, IoServices io) {
    if (options.getInputFiles() != null) {
      return pipeline.apply("Read NDJSON files", new ReadNdjsonFiles(options.getInputFiles()));
    }
    // The ordering key is read too; --idAttribute is applied by DeduplicateByAttribute, since
    // PubsubIO's withIdAttribute would replace each message id with the attribute's value.
    PubsubIO.Read<PubsubMessage> read =
        PubsubIO.readMessagesWithAttributesAndMessageIdAndOrderingKey();
    read =
        options.getInputSubscription() != null
            ? read.fromSubscription(options.getInputSubscription())
            : read.fromTopic(options.getInputTopic());
    if (io.pubsubClientFactory() != null) {
      read = read.withClientFactory(io.pubsubClientFactory());
    }
    return pipeline.apply("Read Pub/Sub", read);
  }

  private static BigQueryIO.Write<KV<TableRow, TableRow>> rowWrite(
      DcpBeamOptions options, String schemaJson, RouteSpec routes, IoServices io) {
    BigQueryIO.Write<KV<TableRow, TableRow>> write = BigQueryIO.<KV<TableRow, TableRow>>write();
    if (routes == null) {
      write = write.to(options.getOutputTable()).withSchema(tableSchema(schemaJson));
    } else {
      write = write.to(new RoutedTables(routes, schemaJson, options.getOutputTable()));
      if (routes.addColumns()) {
        // Core adds the columns before the rows leave the map step; the writer takes them up from
        // BigQuery's updated schema, which Beam allows only with ignoreUnknownValues.
        write = write.withAutoSchemaUpdate(true).ignoreUnknownValues();
      }
    }
    write =
        write
            .withFormatFunction(KV::getKey)
            .withFormatRecordOnFailureFunction(KV::getValue)
            .withCreateDisposition(BigQueryIO.Write.CreateDisposition.CREATE_NEVER)
            .withWriteDisposition(BigQueryIO.Write.WriteDisposition.WRITE_APPEND)
            .withPropagateSuccessfulStorageApiWrites(new NoColumns());
    return withMethod(write, options, io);
  }

  private static BigQueryIO.Write<TableRow> deadLetterWrite(
      DcpBeamOptions options, TableSchema schema, DeadLetterRows.Shape shape, IoServices io) {
    BigQueryIO.Write<TableRow> write =
        BigQueryIO.<TableRow>write()
            .to(options.getDeadLetterTable())
            .withFormatFunction(shape::apply)
            // A refused dead letter comes back whole, for the next shape to be made from it.
            .withFormatRecordOnFailureFunction(row -> row)
            .withSchema(schema)
            .withCreateDisposition(BigQueryIO.Write.CreateDisposition.CREATE_IF_NEEDED)
            .withWriteDisposition(BigQueryIO.Write.WriteDisposition.WRITE_APPEND);
    return withMethod(write, options, io);
  }

  private static <T> BigQueryIO.Write<T> withMethod(
      BigQueryIO.Write<T> write, DcpBeamOptions options, IoServices io) {
    if (io.bigQueryServices() != null) {
      write = write.withTestServices(io.bigQueryServices());
    }
    if (options.getWriteMode() == DcpBeamOptions.WriteMode.AT_LEAST_ONCE) {
      return write.withMethod(BigQueryIO.Write.Method.STORAGE_API_AT_LEAST_ONCE);
    }
    write = write.withMethod(BigQueryIO.Write.Method.STORAGE_WRITE_API);
    if (options.getTriggeringFrequencySeconds() != null) {
      write =
          write.withTriggeringFrequency(
              Duration.standardSeconds(options.getTriggeringFrequencySeconds()));
    }
    Integer streams = options.getWriteStreams();
    if (streams != null) {
      write =
          streams == 0 ? write.withAutoSharding() : write.withNumStorageWriteApiStreams(streams);
    }
    return write;
  }

  private static void writeFiles(PCollection<TableRow> rows, String prefix, String name) {
    rows.apply(name + " as JSON", MapElements.into(TypeDescriptors.strings()).via(TableRows::json))
        .apply(name, TextIO.write().to(prefix).withSuffix(".ndjson"));
  }

  /** The API model of a schema from BigQuery's JSON schema format (a list of fields). */
  static TableSchema tableSchema(String schemaJson) {
    return BigQueryHelpers.fromJsonString("{\"fields\":" + schemaJson + "}", TableSchema.class);
  }

  /** Reads a small text file from any Beam file system: a local path or gs://. */
  public static String readText(String path) {
    try (InputStream in =
        Channels.newInputStream(
            FileSystems.open(FileSystems.matchSingleFileSpec(path).resourceId()))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return "";
  }

  /**
   * The dead letter of a row BigQuery refused: stage {@code write}, BigQuery's reason, and the
   * original message BigQueryIO hands back (see {@link MessageRows}).
   */
  static final class RefusedRowFn extends DoFn<BigQueryStorageApiInsertError, TableRow> {
    private transient BeamPipelineMetrics metrics;

    @Setup
    public void setup() {
      metrics = new BeamPipelineMetrics();
    }

    @ProcessElement
    public void process(
        @Element BigQueryStorageApiInsertError error, OutputReceiver<TableRow> out) {
      out.output(toDeadLetter(error));
      metrics.deadLettered(Stage.WRITE, 1);
    }

    static TableRow toDeadLetter(BigQueryStorageApiInsertError error) {
      Message message = MessageRows.toMessage(error.getRow());
      String reason =
          error.getErrorMessage() == null ? "refused by BigQuery" : error.getErrorMessage();
      return DeadLetterRows.of(
          DeadLetter.of(message, Stage.WRITE, "", reason, java.time.Instant.now()));
    }
  }

  /**
   * A dead letter as the message the dead-letter topic gets, in core's {@link
   * PubSubDeadLetterFormat} as {@code dcp run} publishes it: the original bytes and attributes plus
   * the {@code dcp_*} attributes. One with more attributes than Pub/Sub allows fails its bundle, so
   * it is retried rather than acknowledged and lost (the standalone sink refuses it too); a
   * dead-letter table takes such messages.
   */
  static final class DeadLetterMessageFn extends DoFn<TableRow, PubsubMessage> {
    private final String subscription;

    DeadLetterMessageFn(String subscription) {
      this.subscription = subscription;
    }

    @ProcessElement
    public void process(@Element TableRow row, OutputReceiver<PubsubMessage> out) {
      DeadLetter deadLetter = DeadLetterRows.toDeadLetter(row);
      Map<String, String> attributes = PubSubDeadLetterFormat.attributes(deadLetter, subscription);
      String tooMany = PubSubDeadLetterFormat.tooManyAttributes(deadLetter, attributes);
      if (tooMany != null) {
        throw new IllegalStateException(tooMany);
      }
      out.output(new PubsubMessage(deadLetter.message().dataUnsafe(), attributes));
    }
  }

  /** Copies no column into BigQueryIO's written rows: they only time the commit. */
  static final class NoColumns implements java.util.function.Predicate<String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean test(String column) {
      return false;
    }
  }
}
