package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.time.Clock;
import java.util.Map;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Maps each Pub/Sub message to rows with core's {@link JsonMessageMapper}, exactly as the
 * standalone runner does: rows to {@link #ROWS}, a rejected message to {@link #DEAD_LETTERS} as a
 * row of the dead-letter layout. Never throws on a message.
 */
final class MapMessagesFn extends DoFn<PubsubMessage, TableRow> {
  static final TupleTag<TableRow> ROWS = new TupleTag<>() {};
  static final TupleTag<TableRow> DEAD_LETTERS = new TupleTag<>() {};

  private final String schemaJson;
  private final String mappingYaml;
  private final String source;
  private transient JsonMessageMapper mapper;
  private transient TableSchema schema;
  private transient BeamPipelineMetrics metrics;

  /**
   * @param schemaJson the table schema in BigQuery's JSON format
   * @param mappingYaml a dcp config whose mapping section applies, or empty for the defaults
   * @param source the subscription or files, named in metadata and dead letters
   */
  MapMessagesFn(String schemaJson, String mappingYaml, String source) {
    this.schemaJson = schemaJson;
    this.mappingYaml = mappingYaml;
    this.source = source;
  }

  @Setup
  public void setup() throws SchemaException, ConfigException {
    schema = SchemaJson.parse(schemaJson, "the schema");
    MappingConfig mapping =
        mappingYaml.isEmpty() ? MappingConfig.typed() : ConfigLoader.loadMapping(mappingYaml);
    mapper = JsonMessageMapper.create(schema, mapping, source, Clock.systemUTC());
    metrics = new BeamPipelineMetrics();
  }

  @ProcessElement
  public void process(
      @Element PubsubMessage element,
      @Timestamp org.joda.time.Instant timestamp,
      MultiOutputReceiver out) {
    Message message = toMessage(element, timestamp);
    metrics.messageReceived(message.size());
    MappingResult result = mapper.map(message);
    if (result instanceof MappingResult.Mapped mapped) {
      for (Row row : mapped.rows()) {
        out.get(ROWS).output(TableRows.of(row, schema.fields()));
      }
      metrics.rowsWritten(TableId.local("mapped"), mapped.rows().size());
    } else if (result instanceof MappingResult.Rejected rejected) {
      out.get(DEAD_LETTERS)
          .output(
              TableRows.of(
                  DeadLetterTable.toRow(rejected.deadLetter()), DeadLetterTable.SCHEMA.fields()));
      metrics.deadLettered(rejected.deadLetter().stage(), 1);
    }
  }

  /** The core message: bytes, attributes and id untouched; publish time from the timestamp. */
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
