package io.dcp.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The written contract of {@link DeadLetterSink}, as tests: every implementation's test extends
 * this class and says how to make a sink and how to read back what it committed.
 */
@Timeout(120)
public abstract class DeadLetterSinkContract {

  /** Returns a new, empty dead-letter sink. */
  protected abstract DeadLetterSink newSink() throws Exception;

  /** Returns the dead letters committed so far, read around the sink (its store, the fake). */
  protected abstract List<DeadLetter> committedDeadLetters() throws Exception;

  @Test
  void everyDeadLetterIsCommittedWithItsMessageStageAndReasonWhenWriteReturns() throws Exception {
    Instant at = Instant.parse("2026-11-24T09:00:01Z");
    List<DeadLetter> letters =
        List.of(
            DeadLetter.of(
                message("m-1", new byte[] {'{', (byte) 0xc3, '}'}, Map.of("type", "quote")),
                Stage.DECODE,
                "",
                "invalid UTF-8 at byte 1",
                at),
            DeadLetter.of(
                message("m-2", "{\"bid\":\"12,5\"}".getBytes(StandardCharsets.UTF_8), Map.of()),
                Stage.MAP,
                "$.bid",
                "\"12,5\" is not a FLOAT64",
                at));

    try (DeadLetterSink sink = newSink()) {
      sink.write(letters);
      assertThat(committedDeadLetters())
          .extracting(DeadLetterSinkContract::essentials)
          .containsExactlyInAnyOrderElementsOf(
              letters.stream().map(DeadLetterSinkContract::essentials).toList());
    }
  }

  @Test
  void writingNoDeadLettersCommitsNothing() throws Exception {
    try (DeadLetterSink sink = newSink()) {
      sink.write(List.of());
      assertThat(committedDeadLetters()).isEmpty();
    }
  }

  private static Message message(String id, byte[] data, Map<String, String> attributes) {
    return new Message(id, data, attributes, Instant.parse("2026-11-24T09:00:00Z"), "", 1);
  }

  /** What every dead-letter store keeps exactly: the message, the stage, the path and reason. */
  private static List<Object> essentials(DeadLetter letter) {
    return List.of(
        letter.message().id(),
        new String(letter.message().data(), StandardCharsets.ISO_8859_1),
        letter.message().attributes(),
        letter.stage(),
        letter.fieldPath(),
        letter.reason());
  }
}
