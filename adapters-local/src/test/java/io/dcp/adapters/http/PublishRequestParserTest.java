package io.dcp.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.Message;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a publish body becomes, and the 400 message for each body Pub/Sub refuses. */
@Timeout(30)
class PublishRequestParserTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final PublishRequestParser parser =
      new PublishRequestParser(Clock.fixed(NOW, ZoneOffset.UTC));

  private List<Message> parse(String body) {
    return parser.messages(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsDataAttributesAndOrderingKeyInEitherSpellingWithNewIds() {
    List<Message> messages =
        parse(
            """
            {"messages":[
              {"data":"eyJhIjoxfQ==","attributes":{"kind":"trade","n":3},"orderingKey":"AAPL"},
              {"data":"-_8","ordering_key":"MSFT"},
              {"attributes":{"only":"attrs"}}]}""");

    assertThat(messages).hasSize(3);
    assertThat(new String(messages.get(0).data(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(messages.get(0).attributes()).isEqualTo(Map.of("kind", "trade", "n", "3"));
    assertThat(messages.get(0).orderingKey()).isEqualTo("AAPL");
    assertThat(messages.get(1).data()).containsExactly(0xfb, 0xff);
    assertThat(messages.get(1).orderingKey()).isEqualTo("MSFT");
    assertThat(messages.get(2).data()).isEmpty();
    assertThat(messages.get(2).attributes()).isEqualTo(Map.of("only", "attrs"));
    assertThat(messages).allSatisfy(m -> assertThat(m.publishTime()).isEqualTo(NOW));
    assertThat(messages).extracting(Message::id).doesNotHaveDuplicates();
    assertThat(parse("{\"messages\":[{\"data\":\"eA==\"}]}").get(0).id())
        .isNotIn(messages.stream().map(Message::id).toList());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "[]                                          | Payload isn't valid for request.",
        "{}                                          | No messages to publish",
        "{\"messages\":[]}                           | No messages to publish",
        "{\"messages\":{}}                           | \"messages\" must be an array",
        "{\"messages\":[{}]}                         | Some messages are empty",
        "{\"messages\":[1]}                          | messages[0] must be an object",
        "{\"messages\":[{\"data\":1}]}               | messages[0].data must be a base64 string",
        "{\"messages\":[{\"data\":\"%%\"}]}          | messages[0].data is not valid base64",
        "{\"messages\":[{\"attributes\":[]}]}        | messages[0].attributes must be an object of strings",
        "{\"messages\":[{\"attributes\":{\"a\":{}}}]} | messages[0].attributes.a must be a string",
        "{\"messages\":[{\"dta\":\"eA==\"}]}         | Invalid JSON payload received. Unknown name \"dta\" in messages[0]",
        "{\"messages\":[],\"topic\":1}               | Invalid JSON payload received. Unknown name \"topic\" in the body",
      })
  void refusesWhatPubSubRefusesWithItsMessage(String body, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void refusesMoreThanAThousandMessagesAndMoreThanTenMebibytesOfData() {
    String thousandAndOne =
        "{\"messages\":["
            + String.join(",", Collections.nCopies(1001, "{\"data\":\"eA==\"}"))
            + "]}";
    // Four messages of 3 MiB each once decoded.
    String threeMebibytes = "{\"data\":\"" + "A".repeat(4 * 1024 * 1024) + "\"}";
    String twelveMebibytes =
        "{\"messages\":[" + String.join(",", Collections.nCopies(4, threeMebibytes)) + "]}";

    assertThatThrownBy(() -> parse(thousandAndOne)).hasMessage("Too many messages to publish");
    assertThatThrownBy(() -> parse(twelveMebibytes))
        .hasMessage("Request payload size exceeds the limit: 10485760 bytes.");
  }
}
