package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.UnknownFields;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.replay.Replay;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the dead-letter store tests replay: quotes a mapping that rejected unknown fields sent to
 * the dead letters, published through {@link PubSubDeadLetterSink} and replayed with the fixed
 * mapping (unknown fields ignored) into table {@link #TABLE}.
 */
final class MappingFix {
  static final String SOURCE = "projects/local/subscriptions/quotes-dcp";
  static final TableId TABLE = TableId.local("quotes");
  static final Instant PUBLISHED = Instant.parse("2026-11-24T10:15:30.123456Z");
  static final Instant FAILED = Instant.parse("2026-11-24T10:15:31Z");
  static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64),
          Field.of("message_id", FieldType.STRING),
          Field.of("published", FieldType.TIMESTAMP),
          Field.of("origin", FieldType.STRING));
  static final MappingConfig FIXED =
      MappingConfig.typed()
          .withColumn("message_id", ColumnSource.parse("metadata:message_id"))
          .withColumn("published", ColumnSource.parse("metadata:publish_time"))
          .withColumn("origin", ColumnSource.parse("attribute:origin"));
  static final MappingConfig OLD = FIXED.withUnknownFields(UnknownFields.REJECT);

  private MappingFix() {}

  /** A message of {@link #SOURCE} published at {@link #PUBLISHED}. */
  static Message message(String id, String json, Map<String, String> attributes) {
    return new Message(id, json.getBytes(StandardCharsets.UTF_8), attributes, PUBLISHED, "", 0);
  }

  /** The dead letters the mapping before the fix made of {@code messages}, at {@link #FAILED}. */
  static List<DeadLetter> rejectedByTheOldMapping(Message... messages) {
    JsonMessageMapper old =
        JsonMessageMapper.create(SCHEMA, OLD, SOURCE, Clock.fixed(FAILED, ZoneOffset.UTC));
    List<DeadLetter> out = new ArrayList<>();
    for (Message m : messages) {
      MappingResult result = old.map(m);
      assertThat(result).isInstanceOf(MappingResult.Rejected.class);
      out.add(((MappingResult.Rejected) result).deadLetter());
    }
    return out;
  }

  /**
   * Publishes {@code deadLetters} to {@code topic} at {@code endpoint} through the sink the
   * pipeline uses, as rejected on {@link #SOURCE}.
   */
  static void publishThroughTheSink(String topic, String endpoint, List<DeadLetter> deadLetters)
      throws SinkException {
    try (PubSubDeadLetterSink sink =
        new PubSubDeadLetterSink(
            PubSubDeadLetterSettings.defaults(topic).withEndpoint(endpoint), SOURCE, Map.of())) {
      sink.write(deadLetters);
    }
  }

  /** A replay of {@code store}'s dead letters into {@code rows} with the fixed mapping. */
  static Replay replayWithTheFix(DeadLetterStore store, RowSink rows) {
    return new Replay(
        store,
        JsonMessageMapper.create(SCHEMA, FIXED, SOURCE, Clock.systemUTC()),
        TABLE,
        SCHEMA,
        rows);
  }
}
