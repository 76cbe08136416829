package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.TableRow;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.pipeline.TableDeadLetterSink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** The dead letter and the message carried through BigQueryIO survive its coder unchanged. */
class DeadLetterRowsTest {
  static final Message MESSAGE =
      new Message(
          "m-1",
          new byte[] {'{', (byte) 0xc3, '(', '}'},
          Map.of("b", "2", "a", "1"),
          Instant.parse("2026-11-24T14:04:12.012054Z"),
          "key-1",
          3);

  @Test
  void deadLetterRowReadsBackAfterTheCoderToTheSameDeadLetter() throws Exception {
    DeadLetter deadLetter =
        new DeadLetter(
            MESSAGE,
            Stage.MAP,
            "$.bid",
            "\"12,5\" is not a FLOAT64",
            "trace",
            Instant.parse("2026-11-24T14:05:00.000001Z"));

    TableRow coded = viaCoder(DeadLetterRows.of(deadLetter));

    assertThat(DeadLetterRows.toDeadLetter(coded)).isEqualTo(deadLetter);
  }

  @Test
  void smallerShapesAreCoresShapesOfTheSameDeadLetter() throws Exception {
    byte[] big =
        "x".repeat(TableDeadLetterSink.CUT_PAYLOAD_BYTES + 10).getBytes(StandardCharsets.UTF_8);
    DeadLetter deadLetter =
        DeadLetter.of(
            new Message("m-2", big, Map.of(), MESSAGE.publishTime(), "", 0),
            Stage.PARSE,
            "",
            "malformed JSON",
            Instant.parse("2026-11-24T14:05:00Z"));
    TableRow whole = viaCoder(DeadLetterRows.of(deadLetter));

    assertThat(DeadLetterRows.Shape.WITHOUT_PAYLOAD_STRING.apply(whole))
        .isEqualTo(
            TableRows.of(
                DeadLetterTable.withoutPayloadString(deadLetter), DeadLetterTable.SCHEMA.fields()));
    TableRow cut = DeadLetterRows.Shape.PAYLOAD_CUT.apply(whole);
    assertThat(cut.get("payloadString")).isNull();
    assertThat(cut.get("errorMessage"))
        .isEqualTo(
            "parse: malformed JSON [payload of 1048586 bytes cut to its first 1048576 to fit the"
                + " dead-letter table]");
  }

  @Test
  void messageCarriedBesideItsRowReadsBackAfterTheCoderUnchanged() throws Exception {
    assertThat(MessageRows.toMessage(viaCoder(MessageRows.of(MESSAGE)))).isEqualTo(MESSAGE);
  }

  private static TableRow viaCoder(TableRow row) throws Exception {
    return CoderUtils.clone(TableRowJsonCoder.of(), row);
  }
}
