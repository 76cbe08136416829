package io.dcp.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.port.NoOpPipelineMetrics;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.TransformResult;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TransformingMapperTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64));
  private static final Message ORIGINAL =
      new Message(
          "m-1",
          "{\"sym\":\"ACME\"}".getBytes(StandardCharsets.UTF_8),
          Map.of("k", "v"),
          NOW,
          "",
          1);

  private final List<String> counted = new ArrayList<>();
  private final PipelineMetrics metrics =
      new NoOpPipelineMetrics() {
        @Override
        public void messageTransformed() {
          counted.add("transformed");
        }

        @Override
        public void messageDropped() {
          counted.add("dropped");
        }

        @Override
        public void transformFailed() {
          counted.add("failed");
        }
      };

  private MessageMapper mapper(BiFunction<Message, String, TransformResult> script) {
    MessageTransform transform =
        new MessageTransform() {
          @Override
          public TransformResult transform(Message message, String payload) {
            return script.apply(message, payload);
          }

          @Override
          public void close() {}
        };
    return new TransformingMapper(
        transform,
        JsonMessageMapper.create(SCHEMA, MappingConfig.typed(), "s", CLOCK),
        metrics,
        CLOCK);
  }

  @Test
  void transformedPayloadIsWhatGetsMapped() {
    MappingResult result =
        mapper(
                (m, json) ->
                    new TransformResult.Transformed(
                        "{\"symbol\":\"ACME\",\"bid\":1.5}", m.attributes()))
            .map(ORIGINAL);
    assertThat(result)
        .isEqualTo(new MappingResult.Mapped(List.of(Row.of(Map.of("symbol", "ACME", "bid", 1.5)))));
    assertThat(counted).containsExactly("transformed");
  }

  @Test
  void droppedMessageMapsToNoRowsAndNoDeadLetter() {
    assertThat(mapper((m, json) -> new TransformResult.Dropped()).map(ORIGINAL))
        .isEqualTo(new MappingResult.Mapped(List.of()));
    assertThat(counted).containsExactly("dropped");
  }

  @Test
  void failedTransformIsATransformDeadLetterOfTheOriginalMessage() {
    assertThat(
            mapper((m, json) -> new TransformResult.Failed("process threw Error: x at u.js:3"))
                .map(ORIGINAL))
        .isEqualTo(
            new MappingResult.Rejected(
                DeadLetter.of(
                    ORIGINAL, Stage.TRANSFORM, "", "process threw Error: x at u.js:3", NOW)));
    assertThat(counted).containsExactly("failed");
  }

  @Test
  void mappingRejectionAfterTransformKeepsTheOriginalMessage() {
    MappingResult result =
        mapper((m, json) -> new TransformResult.Transformed("{\"bid\":1.5}", m.attributes()))
            .map(ORIGINAL);
    assertThat(result).isInstanceOf(MappingResult.Rejected.class);
    DeadLetter letter = ((MappingResult.Rejected) result).deadLetter();
    assertThat(letter.stage()).isEqualTo(Stage.MAP);
    assertThat(letter.message()).isEqualTo(ORIGINAL);
  }

  @Test
  void transformGetsTheDecodedPayload() {
    List<String> seen = new ArrayList<>();
    mapper(
            (m, json) -> {
              seen.add(json);
              return new TransformResult.Dropped();
            })
        .map(ORIGINAL);
    assertThat(seen).containsExactly("{\"sym\":\"ACME\"}");
  }

  @Test
  void invalidUtf8IsADecodeDeadLetterAndNeverReachesTheScript() {
    Message bad = Message.of("m-2", new byte[] {'{', (byte) 0xC3, '}'}, NOW);
    MappingResult result =
        mapper(
                (m, json) -> {
                  throw new AssertionError("the script must not see invalid UTF-8");
                })
            .map(bad);
    assertThat(((MappingResult.Rejected) result).deadLetter().stage()).isEqualTo(Stage.DECODE);
    assertThat(counted).isEmpty();
  }

  @Test
  void transformThatThrowsAnywayIsATransformDeadLetter() {
    MappingResult result =
        mapper(
                (m, json) -> {
                  throw new IllegalStateException("engine closed");
                })
            .map(ORIGINAL);
    assertThat(((MappingResult.Rejected) result).deadLetter().errorMessage())
        .isEqualTo(
            "transform: unexpected transform failure: java.lang.IllegalStateException: engine closed");
  }
}
