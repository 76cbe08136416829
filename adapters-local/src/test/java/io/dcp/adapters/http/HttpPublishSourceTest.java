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
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpPublishSourceTest {
  private record Delivery(Message message, Acknowledger acknowledger) {}

  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpPublishSource source;

  private String start(String token, long maxBytes) throws Exception {
    return start(token, maxBytes, Duration.ofSeconds(5));
  }

  private String start(String token, long maxBytes, Duration ackTimeout) throws Exception {
    source =
        new HttpPublishSource(
            "127.0.0.1",
            0,
            Set.of("events", "t"),
            maxBytes,
            token,
            2_000,
            ackTimeout,
            Clock.systemUTC());
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
          no messages          | /v1/projects/p/topics/t:publish | {}             | 400 | No messages to publish
          empty messages       | /v1/projects/p/topics/t:publish | {"messages":[]} | 400 | No messages to publish
          empty message        | /v1/projects/p/topics/t:publish | {"messages":[{}]} | 400 | Some messages are empty
          bad base64           | /v1/projects/p/topics/t:publish | {"messages":[{"data":"%%"}]} | 400 | messages[0].data is not valid base64
          bad attribute        | /v1/projects/p/topics/t:publish | {"messages":[{"data":"e30=","attributes":{"n":{}}}]} | 400 | messages[0].attributes.n must be a string
          unknown field        | /v1/projects/p/topics/t:publish | {"messages":[{"data":"e30=","dta":1}]} | 400 | Invalid JSON payload received. Unknown name
          topic not configured | /v1/projects/p/topics/other:publish | {"messages":[{"data":"e30="}]} | 404 | Topic not found
          other path           | /v1/projects/p/subscriptions/s | {}             | 404 | no such resource
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
  void acceptsAttributesWithoutDataUrlSafeBase64AndTheProtoNameOfTheOrderingKey() throws Exception {
    String base = start("", 1 << 20);
    String body =
        "{\"messages\":[{\"attributes\":{\"kind\":\"ping\"}},"
            + "{\"data\":\"_-8\",\"ordering_key\":\"k1\"},"
            + "{\"data\":\"e30=\",\"orderingKey\":\"k2\"}]}";

    CompletableFuture<HttpResponse<String>> response =
        post(base + "/v1/projects/any-project/topics/events:publish", body, null);
    List<Message> received = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Delivery d = deliveries.poll(5, TimeUnit.SECONDS);
      received.add(d.message());
      d.acknowledger().ack();
    }

    assertThat(response.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(received.get(0).data()).isEmpty();
    assertThat(received.get(0).attributes()).containsExactly(java.util.Map.entry("kind", "ping"));
    assertThat(received.get(1).data()).containsExactly(0xff, 0xef);
    assertThat(received.get(1).orderingKey()).isEqualTo("k1");
    assertThat(received.get(2).orderingKey()).isEqualTo("k2");
  }

  @Test
  void refusesOverAThousandMessagesAndOverTenMebibytesOfDecodedDataButTakesTheLimits()
      throws Exception {
    String base = start("", 64L << 20);
    String url = base + "/v1/projects/p/topics/t:publish";
    String thousand = messages(1_000, "e30=");
    String tooMany = messages(1_001, "e30=");
    String tenMib = java.util.Base64.getEncoder().encodeToString(new byte[10 * 1024 * 1024]);
    String overTenMib =
        java.util.Base64.getEncoder().encodeToString(new byte[10 * 1024 * 1024 + 1]);

    CompletableFuture<HttpResponse<String>> accepted = post(url, thousand, null);
    for (int i = 0; i < 1_000; i++) {
      deliveries.poll(5, TimeUnit.SECONDS).acknowledger().ack();
    }
    CompletableFuture<HttpResponse<String>> large = post(url, messages(1, tenMib), null);
    deliveries.poll(10, TimeUnit.SECONDS).acknowledger().ack();
    HttpResponse<String> refusedCount = post(url, tooMany, null).get(10, TimeUnit.SECONDS);
    HttpResponse<String> refusedSize =
        post(url, messages(1, overTenMib), null).get(10, TimeUnit.SECONDS);

    assertThat(accepted.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(large.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(refusedCount.statusCode()).isEqualTo(400);
    assertThat(refusedCount.body())
        .isEqualTo(
            "{\"error\":{\"code\":400,\"message\":\"Too many messages to publish\",\"status\":\"INVALID_ARGUMENT\"}}");
    assertThat(refusedSize.statusCode()).isEqualTo(400);
    assertThat(refusedSize.body())
        .contains("Request payload size exceeds the limit: 10485760 bytes.");
    assertThat(deliveries).isEmpty();
  }

  @Test
  void answersTopicsGetForConfiguredTopicsOnly() throws Exception {
    String base = start("", 1 << 20);

    HttpResponse<String> known =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/projects/local/topics/events")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/projects/local/topics/other")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(known.statusCode()).isEqualTo(200);
    assertThat(known.body()).isEqualTo("{\"name\":\"projects/local/topics/events\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body())
        .isEqualTo(
            "{\"error\":{\"code\":404,\"message\":\"Topic not found\",\"status\":\"NOT_FOUND\"}}");
  }

  @Test
  void aWaitPastTheAckTimeoutIsAnUnknownOutcomeNeverNotCommitted() throws Exception {
    String base = start("", 1 << 20, Duration.ofSeconds(1));

    CompletableFuture<HttpResponse<String>> response =
        post(base + "/v1/projects/p/topics/t:publish", messages(2, "e30="), null);
    deliveries.poll(5, TimeUnit.SECONDS).acknowledger().ack();
    Delivery late = deliveries.poll(5, TimeUnit.SECONDS);

    HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
    late.acknowledger().ack();
    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.body())
        .isEqualTo(
            "{\"error\":{\"code\":504,\"message\":\"1 of 2 messages were confirmed within"
                + " source.http.ackTimeout (1000 ms); the others are still being stored and may"
                + " land: a retry can store them twice, under new message ids\","
                + "\"status\":\"DEADLINE_EXCEEDED\"}}");
  }

  @Test
  void closingAnswers503ToRequestsStillWaiting() throws Exception {
    String base = start("", 1 << 20, Duration.ofSeconds(60));
    CompletableFuture<HttpResponse<String>> response =
        post(base + "/v1/projects/p/topics/t:publish", messages(1, "e30="), null);
    deliveries.poll(5, TimeUnit.SECONDS);

    source.stop();
    source.close();

    HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body())
        .contains(
            "the pipeline stopped before every message of the request was confirmed; some may"
                + " have been stored: a retry can store them twice");
  }

  @Test
  void requestsWaitingForTheirCommitHoldNoThread() throws Exception {
    String base = start("", 1 << 20);
    int requests = HttpPublishSource.READ_THREADS * 2;
    List<CompletableFuture<HttpResponse<String>>> responses = new java.util.ArrayList<>();
    for (int i = 0; i < requests; i++) {
      responses.add(post(base + "/v1/projects/p/topics/t:publish", messages(1, "e30="), null));
    }

    // Every request is handed over while none is answered: more than there are threads.
    List<Delivery> handedOver = new java.util.ArrayList<>();
    for (int i = 0; i < requests; i++) {
      handedOver.add(deliveries.poll(30, TimeUnit.SECONDS));
    }
    assertThat(handedOver).doesNotContainNull();
    assertThat(responses).noneMatch(CompletableFuture::isDone);
    handedOver.forEach(d -> d.acknowledger().ack());
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void twentyClientsSendingPartialBodiesDoNotStarveANormalClient() throws Exception {
    String base =
        start("", 1 << 20, Duration.ofSeconds(5 * HttpPublishSource.READ_TIMEOUT_SECONDS));
    List<java.net.Socket> slow = new java.util.ArrayList<>();
    try (java.net.Socket keptAlive = new java.net.Socket("127.0.0.1", source.port())) {
      // A request sent whole, then left waiting for its commit longer than the read time.
      keptAlive.setSoTimeout((int) TimeUnit.MINUTES.toMillis(2));
      sendRequest(keptAlive, messages(1, "e30="));
      Delivery waiting = deliveries.poll(10, TimeUnit.SECONDS);
      for (int i = 0; i < 20; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", source.port());
        socket
            .getOutputStream()
            .write(
                ("POST /v1/projects/p/topics/t:publish HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"messages\":[")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        slow.add(socket);
      }

      CompletableFuture<HttpResponse<String>> normal =
          post(base + "/v1/projects/p/topics/t:publish", messages(1, "e30="), null);
      deliveries.poll(10, TimeUnit.SECONDS).acknowledger().ack();
      assertThat(normal.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

      // The server ends each slow request once its read time is up.
      for (java.net.Socket socket : slow) {
        socket.setSoTimeout(
            (int) TimeUnit.SECONDS.toMillis(HttpPublishSource.READ_TIMEOUT_SECONDS + 30));
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      // The read time is up for the waiting request too, but it arrived whole: it is answered
      // once committed, and its connection takes the next request.
      waiting.acknowledger().ack();
      assertThat(readResponse(keptAlive)).startsWith("HTTP/1.1 200").contains("messageIds");
      sendRequest(keptAlive, messages(1, "e30="));
      deliveries.poll(10, TimeUnit.SECONDS).acknowledger().ack();
      assertThat(readResponse(keptAlive)).startsWith("HTTP/1.1 200").contains("messageIds");
    } finally {
      for (java.net.Socket socket : slow) {
        socket.close();
      }
    }
  }

  private static void sendRequest(java.net.Socket socket, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    socket
        .getOutputStream()
        .write(
            ("POST /v1/projects/p/topics/t:publish HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + bytes.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Reads one response (status line, headers, a Content-Length body) off a kept-alive socket. */
  private static String readResponse(java.net.Socket socket) throws Exception {
    java.io.InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed after: " + head);
      }
      head.append((char) b);
    }
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    assertThat(length.find()).as(head.toString()).isTrue();
    byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
    return head + new String(body, StandardCharsets.UTF_8);
  }

  private static String messages(int count, String data) {
    return "{\"messages\":["
        + String.join(",", java.util.Collections.nCopies(count, "{\"data\":\"" + data + "\"}"))
        + "]}";
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
