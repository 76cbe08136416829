package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.TableRow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessageWithAttributesAndMessageIdCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** The mapping DoFn on TestPipeline: the exact rows and the exact dead letters. */
class MapMessagesFnTest {
  static final String SCHEMA =
      """
      [{"name":"symbol","type":"STRING","mode":"REQUIRED"},
       {"name":"bid","type":"NUMERIC"},
       {"name":"ts","type":"TIMESTAMP"},
       {"name":"tags","type":"STRING","mode":"REPEATED"},
       {"name":"message_id","type":"STRING"},
       {"name":"origin","type":"STRING"}]
      """;
  static final String MAPPING =
      """
      source:
        type: ignored-here
      mapping:
        explodeArrays: true
        columns:
          message_id: metadata:message_id
          origin: attribute:origin
      """;
  static final Instant PUBLISHED = Instant.parse("2026-11-24T14:00:00Z");

  @Test
  void mapsGoodMessagesExplodesArraysAndDeadLettersTheRestWithTheirReasons() throws Throwable {
    TestPipelines.run(
        "mapping",
        pipeline -> {
          PCollectionTuple out =
              pipeline
                  .apply(
                      Create.timestamped(
                              List.of(
                                  message(
                                      "1",
                                      "{\"symbol\":\"AAPL\",\"bid\":\"189.42\",\"ts\":\"2026-11-24T14:30:00.123456Z\",\"tags\":[\"lit\"]}"),
                                  message("2", "{\"symbol\":\"MSFT\",\"bid\":\"12,5\"}"),
                                  message("3", "{\"symbol\":\"NVDA\","),
                                  message(
                                      "4",
                                      "[{\"symbol\":\"SAP\"},{\"symbol\":\"ASML\",\"bid\":7}]")))
                          .withCoder(PubsubMessageWithAttributesAndMessageIdCoder.of()))
                  .apply(
                      ParDo.of(new MapMessagesFn(SCHEMA, MAPPING, "projects/p/subscriptions/s"))
                          .withOutputTags(
                              MapMessagesFn.ROWS, TupleTagList.of(MapMessagesFn.DEAD_LETTERS)));
          PAssert.that(rowsOf(out))
              .containsInAnyOrder(
                  new TableRow()
                      .set("symbol", "AAPL")
                      .set("bid", "189.42")
                      .set("ts", "2026-11-24T14:30:00.123456Z")
                      .set("tags", List.of("lit"))
                      .set("message_id", "1")
                      .set("origin", "feed-7"),
                  new TableRow()
                      .set("symbol", "SAP")
                      .set("message_id", "4")
                      .set("origin", "feed-7"),
                  new TableRow()
                      .set("symbol", "ASML")
                      .set("bid", "7")
                      .set("message_id", "4")
                      .set("origin", "feed-7"));
          PAssert.that(out.get(MapMessagesFn.DEAD_LETTERS).setCoder(TableRowJsonCoder.of()))
              .satisfies(
                  rows -> {
                    List<String> seen = new ArrayList<>();
                    for (TableRow row : rows) {
                      seen.add(
                          row.get("message_id")
                              + " | "
                              + row.get("stage")
                              + " | "
                              + row.get("errorMessage")
                              + " | "
                              + row.get("payloadString")
                              + " | "
                              + row.get("attributes")
                              + " | "
                              + row.get("publish_time"));
                    }
                    assertThat(seen)
                        .containsExactlyInAnyOrder(
                            "2 | map | map: $.bid: \"12,5\" is not a NUMERIC | {\"symbol\":\"MSFT\",\"bid\":\"12,5\"} | [{key=origin, value=feed-7}] | 2026-11-24T14:00:00.000000Z",
                            "3 | parse | parse: malformed JSON: Unexpected end-of-input within/between Object entries at line 1, column 18 | {\"symbol\":\"NVDA\", | [{key=origin, value=feed-7}] | 2026-11-24T14:00:00.000000Z");
                    return null;
                  });
          pipeline.run().waitUntilFinish();
        });
  }

  @Test
  void invalidUtf8IsADecodeDeadLetterWithTheBytesKept() throws Throwable {
    byte[] bad = {'{', '"', 's', '"', ':', (byte) 0xc3, '(', '}'};
    TestPipelines.run(
        "utf8",
        pipeline -> {
          PCollectionTuple out =
              pipeline
                  .apply(
                      Create.timestamped(
                              List.of(
                                  TimestampedValue.of(
                                      new PubsubMessage(bad, Map.of(), "9"), PUBLISHED)))
                          .withCoder(PubsubMessageWithAttributesAndMessageIdCoder.of()))
                  .apply(
                      ParDo.of(new MapMessagesFn(SCHEMA, "", "files"))
                          .withOutputTags(
                              MapMessagesFn.ROWS, TupleTagList.of(MapMessagesFn.DEAD_LETTERS)));
          PAssert.that(rowsOf(out)).empty();
          PAssert.that(out.get(MapMessagesFn.DEAD_LETTERS).setCoder(TableRowJsonCoder.of()))
              .satisfies(
                  rows -> {
                    TableRow row = rows.iterator().next();
                    assertThat(row.get("errorMessage"))
                        .isEqualTo("decode: invalid UTF-8 at byte 5");
                    assertThat(row.get("payloadString")).isNull();
                    assertThat(row.get("payloadBytes")).isEqualTo("eyJzIjrDKH0=");
                    return null;
                  });
          pipeline.run().waitUntilFinish();
        });
  }

  private static TimestampedValue<PubsubMessage> message(String id, String json) {
    return TimestampedValue.of(
        new PubsubMessage(json.getBytes(StandardCharsets.UTF_8), Map.of("origin", "feed-7"), id),
        PUBLISHED);
  }

  /** The rows of {@code out}, without the message each carries for BigQueryIO's failures. */
  static PCollection<TableRow> rowsOf(PCollectionTuple out) {
    return out.get(MapMessagesFn.ROWS)
        .setCoder(KvCoder.of(TableRowJsonCoder.of(), TableRowJsonCoder.of()))
        .apply(Keys.create());
  }
}
