package io.dcp.beam;

import com.google.api.client.util.Clock;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubClient;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubTestClient;

/**
 * Messages for Beam's {@code PubsubTestClient}: a subscription that delivers a fixed list and then
 * reports end of input, so a streaming job on DirectRunner ends by itself once all are acked.
 */
final class TestTopics {
  static final String SUBSCRIPTION = "projects/dcp-test/subscriptions/events-dcp";

  /** Publish times are this many milliseconds since the epoch, plus the message's index. */
  static final long PUBLISHED_AT = 1_795_000_000_000L;

  private TestTopics() {}

  /** A message as Pub/Sub delivers it. */
  record Published(
      String id, byte[] data, Map<String, String> attributes, String orderingKey, long publishMs) {
    static Published json(int index, String json) {
      return new Published(
          "m" + index, json.getBytes(StandardCharsets.UTF_8), Map.of(), "", PUBLISHED_AT + index);
    }
  }

  /**
   * One message per non-blank line of an NDJSON file, its bytes untouched (a line may be invalid
   * UTF-8), ids {@code m0, m1, ...}.
   */
  static List<Published> ofFile(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<Published> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        byte[] line = Arrays.copyOfRange(bytes, start, i);
        if (!new String(line, StandardCharsets.ISO_8859_1).isBlank()) {
          int index = out.size();
          out.add(new Published("m" + index, line, Map.of(), "", PUBLISHED_AT + index));
        }
        start = i + 1;
      }
    }
    return out;
  }

  /** One message per line of {@code lines}, ids {@code m0, m1, ...}. */
  static List<Published> ofLines(List<String> lines) {
    List<Published> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      out.add(Published.json(i, lines.get(i)));
    }
    return out;
  }

  /** A test client factory for {@link #SUBSCRIPTION} that delivers {@code messages} once. */
  static PubsubTestClient.PubsubTestClientFactory delivering(List<Published> messages) {
    List<PubsubClient.IncomingMessage> incoming = new ArrayList<>();
    for (Published p : messages) {
      com.google.pubsub.v1.PubsubMessage proto =
          com.google.pubsub.v1.PubsubMessage.newBuilder()
              .setData(ByteString.copyFrom(p.data()))
              .putAllAttributes(p.attributes())
              .setMessageId(p.id())
              .setOrderingKey(p.orderingKey())
              .setPublishTime(
                  Timestamp.newBuilder()
                      .setSeconds(p.publishMs() / 1000)
                      .setNanos((int) (p.publishMs() % 1000) * 1_000_000))
              .build();
      incoming.add(
          PubsubClient.IncomingMessage.of(
              proto, p.publishMs(), System.currentTimeMillis(), "ack-" + p.id(), p.id()));
    }
    return PubsubTestClient.createFactoryForPull(
        Clock.SYSTEM, PubsubClient.subscriptionPathFromPath(SUBSCRIPTION), 60, incoming);
  }
}
