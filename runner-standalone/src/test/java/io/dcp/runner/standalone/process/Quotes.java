package io.dcp.runner.standalone.process;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The quote messages the Pub/Sub process tests publish: {@code {"id":i,"symbol":..,"bid":".."}},
 * four symbols in turn, each valid for {@code reliability/quotes.schema.json}.
 */
public final class Quotes {
  private static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "AMZN"};

  private Quotes() {}

  /** Quotes {@code 0} to {@code count - 1}, in order. */
  public static List<PubsubMessage> messages(int count) {
    List<PubsubMessage> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      messages.add(
          PubsubMessage.newBuilder()
              .setData(
                  ByteString.copyFromUtf8(
                      "{\"id\":%d,\"symbol\":\"%s\",\"bid\":\"%d.%02d\"}"
                          .formatted(i, SYMBOLS[i % 4], 100 + i % 50, i % 100)))
              .build());
    }
    return messages;
  }
}
