package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import com.google.api.services.bigquery.model.TableSchema;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryStorageApiInsertError;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.io.gcp.bigquery.WriteResult;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubIO;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
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
 * dead letters together with BigQuery's failed inserts to the dead-letter table.
 */
public final class DcpBeamPipeline {
  private DcpBeamPipeline() {}

  /**
   * Adds the job's transforms to {@code pipeline}.
   *
   * @param schemaJson the output table's schema in BigQuery's JSON format
   * @param mappingYaml a dcp config whose mapping section applies, or empty for the defaults
   */
  public static void build(
      Pipeline pipeline, DcpBeamOptions options, String schemaJson, String mappingYaml) {
    BeamOptionsCheck.validate(options);
    checkColumnNames(schemaJson);
    PCollection<PubsubMessage> messages = read(pipeline, options);
    String source =
        firstSet(options.getInputSubscription(), options.getInputTopic(), options.getInputFiles());
    PCollectionTuple mapped =
        messages.apply(
            "Map to rows",
            ParDo.of(new MapMessagesFn(schemaJson, mappingYaml, source))
                .withOutputTags(MapMessagesFn.ROWS, TupleTagList.of(MapMessagesFn.DEAD_LETTERS)));
    PCollection<TableRow> rows = mapped.get(MapMessagesFn.ROWS).setCoder(TableRowJsonCoder.of());
    PCollection<TableRow> deadLetters =
        mapped.get(MapMessagesFn.DEAD_LETTERS).setCoder(TableRowJsonCoder.of());
    if (options.getOutputDirectory() != null) {
      writeFiles(rows, options.getOutputDirectory() + "/rows", "Write rows");
      writeFiles(deadLetters, options.getOutputDirectory() + "/dead_letters", "Write dead letters");
      return;
    }
    WriteResult written =
        rows.apply("Write rows to BigQuery", rowWrite(options, tableSchema(schemaJson)));
    PCollection<TableRow> failedInserts =
        written
            .getFailedStorageApiInserts()
            .apply(
                "Failed inserts to dead letters",
                MapElements.into(TypeDescriptor.of(TableRow.class))
                    .via(FailedInserts::toDeadLetter))
            .setCoder(TableRowJsonCoder.of());
    PCollectionList.of(deadLetters)
        .and(failedInserts)
        .apply("All dead letters", Flatten.pCollections())
        .apply(
            "Write dead letters to BigQuery",
            deadLetterWrite(options, tableSchema(SchemaJson.write(DeadLetterTable.SCHEMA))));
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

  private static PCollection<PubsubMessage> read(Pipeline pipeline, DcpBeamOptions options) {
    if (options.getInputFiles() != null) {
      return pipeline.apply("Read NDJSON files", new ReadNdjsonFiles(options.getInputFiles()));
    }
    PubsubIO.Read<PubsubMessage> read = PubsubIO.readMessagesWithAttributesAndMessageId();
    read =
        options.getInputSubscription() != null
            ? read.fromSubscription(options.getInputSubscription())
            : read.fromTopic(options.getInputTopic());
    if (options.getIdAttribute() != null) {
      read = read.withIdAttribute(options.getIdAttribute());
    }
    return pipeline.apply("Read Pub/Sub", read);
  }

  private static BigQueryIO.Write<TableRow> rowWrite(DcpBeamOptions options, TableSchema schema) {
    BigQueryIO.Write<TableRow> write =
        BigQueryIO.writeTableRows()
            .to(options.getOutputTable())
            .withSchema(schema)
            .withCreateDisposition(BigQueryIO.Write.CreateDisposition.CREATE_NEVER)
            .withWriteDisposition(BigQueryIO.Write.WriteDisposition.WRITE_APPEND);
    return withMethod(write, options);
  }

  private static BigQueryIO.Write<TableRow> deadLetterWrite(
      DcpBeamOptions options, TableSchema schema) {
    BigQueryIO.Write<TableRow> write =
        BigQueryIO.writeTableRows()
            .to(options.getDeadLetterTable())
            .withSchema(schema)
            .withCreateDisposition(BigQueryIO.Write.CreateDisposition.CREATE_IF_NEEDED)
            .withWriteDisposition(BigQueryIO.Write.WriteDisposition.WRITE_APPEND);
    return withMethod(write, options);
  }

  private static BigQueryIO.Write<TableRow> withMethod(
      BigQueryIO.Write<TableRow> write, DcpBeamOptions options) {
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

  /** BigQuery's failed inserts, kept as dead letters of stage {@code write}. */
  static final class FailedInserts {
    private FailedInserts() {}

    /**
     * The dead letter of a row BigQuery refused: BigQueryIO gives back the row, not the message, so
     * the payload kept is the row as JSON, with the row's {@code message_id} when it has one.
     */
    static TableRow toDeadLetter(BigQueryStorageApiInsertError error) {
      TableRow row = error.getRow();
      Object id = row.get("message_id");
      java.time.Instant now = java.time.Instant.now();
      Message message =
          new Message(
              id == null ? "" : id.toString(),
              TableRows.json(row).getBytes(StandardCharsets.UTF_8),
              Map.of(),
              now,
              "",
              0);
      String reason =
          error.getErrorMessage() == null ? "refused by BigQuery" : error.getErrorMessage();
      return TableRows.of(
          DeadLetterTable.toRow(DeadLetter.of(message, Stage.WRITE, "", reason, now)),
          DeadLetterTable.SCHEMA.fields());
    }
  }
}
