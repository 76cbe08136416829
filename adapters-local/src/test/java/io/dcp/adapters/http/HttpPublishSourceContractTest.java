package io.dcp.adapters.http;

import io.dcp.core.port.MessageSource;
import io.dcp.core.port.MessageSourceContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;

class HttpPublishSourceContractTest extends MessageSourceContract {
  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  protected MessageSource newSource() {
    return new HttpPublishSource(
        "127.0.0.1",
        0,
        Set.of("events"),
        1 << 20,
        "",
        2_000,
        Duration.ofSeconds(60),
        Clock.systemUTC());
  }

  /** One publish request per message, sent without waiting for its answer. */
  @Override
  protected void publish(MessageSource source, List<String> payloads) {
    int port = ((HttpPublishSource) source).port();
    for (String payload : payloads) {
      String data = Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
      http.sendAsync(
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + port + "/v1/projects/local/topics/events:publish"))
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"messages\":[{\"data\":\"" + data + "\"}]}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }
}
