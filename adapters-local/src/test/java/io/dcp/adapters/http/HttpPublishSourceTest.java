package io.dcp.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpPublishSourceTest {
  private record Delivery(Message message, Acknowledger acknowledger) {}

  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpPublishSource source;

  private String start(String token, long maxBytes) throws Exception {
    source =
        new HttpPublishSource(
            "127.0.0.1", 0, maxBytes, token, 100, Duration.ofSeconds(5), Clock.systemUTC());
    source.start((m, ack) -> deliveries.add(new Delivery(m, ack)));
    return "http://127.0.0.1:" + source.port();
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private CompletableFuture<HttpResponse<String>> post(String url, String body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersWithMessageIdsOnlyAfterThePipelineAcks() throws Exception {
    String base = start("", 1 << 20);
    String body =
        "{\"messages\":[{\"data\":\"eyJhIjoxfQ==\",\"attributes\":{\"type\":\"quote\"},\"orderingKey\":\"k\"},{\"data\":\"e30=\"}]}";

    CompletableFuture<HttpResponse<String>> response =
        post(base + "/v1/projects/local/topics/events:publish", body, null);
    Delivery first = deliveries.poll(5, TimeUnit.SECONDS);
    Delivery second = deliveries.poll(5, TimeUnit.SECONDS);

    assertThat(new String(first.message().data(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(first.message().attributes()).containsEntry("type", "quote");
    assertThat(first.message().orderingKey()).isEqualTo("k");
    first.acknowledger().ack();
    Thread.sleep(200);
    assertThat(response).as("no answer before every message is committed").isNotDone();
    second.acknowledger().ack();
    HttpResponse<String> answer = response.get(5, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body())
        .isEqualTo(
            "{\"messageIds\":[\""
                + first.message().id()
                + "\",\""
                + second.message().id()
                + "\"]}");
  }

  @Test
  void answers503WhenAMessageIsNackedSoTheClientRetries() throws Exception {
    String base = start("", 1 << 20);

    CompletableFuture<HttpResponse<String>> response =
        post(
            base + "/v1/projects/local/topics/events:publish",
            "{\"messages\":[{\"data\":\"e30=\"}]}",
            null);
    deliveries.poll(5, TimeUnit.SECONDS).acknowledger().nack();

    HttpResponse<String> answer = response.get(5, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body())
        .isEqualTo(
            "{\"error\":{\"code\":503,\"message\":\"some messages could not be stored; retry the request\",\"status\":\"UNAVAILABLE\"}}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          not json             | /v1/projects/p/topics/t:publish | {x             | 400 | the body is not JSON
          no messages          | /v1/projects/p/topics/t:publish | {}             | 400 | the body needs a non-empty "messages" array
          empty messages       | /v1/projects/p/topics/t:publish | {"messages":[]} | 400 | the body needs a non-empty "messages" array
          missing data         | /v1/projects/p/topics/t:publish | {"messages":[{}]} | 400 | messages[0].data is missing: a base64 string
          bad base64           | /v1/projects/p/topics/t:publish | {"messages":[{"data":"%%"}]} | 400 | messages[0].data is not valid base64
          bad attribute        | /v1/projects/p/topics/t:publish | {"messages":[{"data":"e30=","attributes":{"n":1}}]} | 400 | messages[0].attributes.n must be a string
          other path           | /v1/projects/p/topics/t        | {}             | 404 | no such resource
          too large            | /v1/projects/p/topics/t:publish | {"messages":[{"data":"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="}]} | 413 | request body over the limit of 64 bytes
          """)
  void refusesBadRequestsWithAReason(
      String name, String path, String body, int status, String reason) throws Exception {
    String base = start("", 64);

    HttpResponse<String> answer = post(base + path, body, null).get(5, TimeUnit.SECONDS);

    assertThat(answer.statusCode()).isEqualTo(status);
    assertThat(answer.body()).contains("\"message\":\"" + reason.replace("\"", "\\\""));
    assertThat(deliveries).isEmpty();
  }

  @Test
  void refusesOtherMethods() throws Exception {
    String base = start("", 1 << 20);

    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/projects/p/topics/t:publish"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(405);
  }

  @Test
  void requiresTheBearerTokenWhenOneIsConfigured() throws Exception {
    String base = start("s3cret", 1 << 20);
    String url = base + "/v1/projects/p/topics/t:publish";
    String body = "{\"messages\":[{\"data\":\"e30=\"}]}";

    HttpResponse<String> none = post(url, body, null).get(5, TimeUnit.SECONDS);
    HttpResponse<String> wrong = post(url, body, "guess").get(5, TimeUnit.SECONDS);
    CompletableFuture<HttpResponse<String>> right = post(url, body, "s3cret");
    deliveries.poll(5, TimeUnit.SECONDS).acknowledger().ack();

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("s3cret").doesNotContain("guess");
    assertThat(right.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(List.copyOf(deliveries)).isEmpty();
  }
}
