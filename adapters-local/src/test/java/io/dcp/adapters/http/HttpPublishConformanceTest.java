package io.dcp.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same REST calls to dcp's publish endpoint and to Google's emulator: both must give the same
 * status code. (Over 10 MiB of data is not here: the emulator accepts it, Pub/Sub and dcp refuse
 * it; see docs/pubsub.md.)
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpPublishConformanceTest {
  private final PubSubEmulator emulator;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String topic = "events-" + UUID.randomUUID().toString().substring(0, 8);
  private HttpPublishSource source;

  HttpPublishConformanceTest(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void start() throws Exception {
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(emulator.restRoot() + "/v1/projects/local/topics/" + topic))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    source =
        new HttpPublishSource(
            "127.0.0.1",
            0,
            Set.of(topic),
            16L << 20,
            "",
            10_000,
            Duration.ofSeconds(30),
            Clock.systemUTC());
    source.start((message, ack) -> ack.ack());
  }

  @AfterEach
  void stop() {
    source.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          data                      | POST | :publish | {"messages":[{"data":"aGk="}]}
          attributes without data   | POST | :publish | {"messages":[{"attributes":{"kind":"ping"}}]}
          URL-safe base64           | POST | :publish | {"messages":[{"data":"_-8="}]}
          unpadded base64           | POST | :publish | {"messages":[{"data":"aGk"}]}
          ordering_key              | POST | :publish | {"messages":[{"data":"aGk=","ordering_key":"k"}]}
          orderingKey               | POST | :publish | {"messages":[{"data":"aGk=","orderingKey":"k"}]}
          number attribute          | POST | :publish | {"messages":[{"data":"aGk=","attributes":{"n":1}}]}
          no messages key           | POST | :publish | {}
          empty messages            | POST | :publish | {"messages":[]}
          empty message             | POST | :publish | {"messages":[{}]}
          unknown field             | POST | :publish | {"messages":[{"data":"aGk=","dta":1}]}
          not base64                | POST | :publish | {"messages":[{"data":"!!"}]}
          not JSON                  | POST | :publish | notjson
          topics.get                | GET  | `` | ``
          """)
  void answersAsTheEmulatorDoes(String name, String method, String suffix, String body)
      throws Exception {
    String path = "/v1/projects/local/topics/" + topic + (suffix == null ? "" : suffix);

    int emulated = call(emulator.restRoot() + path, method, body);
    int dcp = call("http://127.0.0.1:" + source.port() + path, method, body);

    assertThat(dcp).as(name).isEqualTo(emulated);
  }

  @ParameterizedTest(name = "{0} messages")
  @CsvSource({"1000", "1001"})
  void takesAndRefusesMessageCountsAsTheEmulatorDoes(int count) throws Exception {
    String body =
        "{\"messages\":["
            + String.join(",", Collections.nCopies(count, "{\"data\":\"aGk=\"}"))
            + "]}";
    String path = "/v1/projects/local/topics/" + topic + ":publish";

    int emulated = call(emulator.restRoot() + path, "POST", body);
    int dcp = call("http://127.0.0.1:" + source.port() + path, "POST", body);

    assertThat(dcp).isEqualTo(emulated).isEqualTo(count == 1000 ? 200 : 400);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"POST, :publish", "GET, ''"})
  void aTopicThatDoesNotExistIsNotFoundOnBoth(String method, String suffix) throws Exception {
    String path = "/v1/projects/local/topics/missing-topic" + suffix;
    String body = "{\"messages\":[{\"data\":\"aGk=\"}]}";

    int emulated = call(emulator.restRoot() + path, method, body);
    int dcp = call("http://127.0.0.1:" + source.port() + path, method, body);

    assertThat(dcp).isEqualTo(emulated).isEqualTo(404);
  }

  private int call(String url, String method, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    if (method.equals("GET")) {
      request.GET();
    } else {
      request.POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
