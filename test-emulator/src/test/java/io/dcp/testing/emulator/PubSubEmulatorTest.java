package io.dcp.testing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PubSubEmulatorTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void emulatorAnswersRestOnLoopbackAndRefusesAnEmptyPublish(PubSubEmulator emulator)
      throws Exception {
    assertThat(emulator.hostPort()).startsWith("127.0.0.1:");
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(emulator.restRoot() + "/v1/projects/dcp-test/topics/quotes"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.body()).contains("projects/dcp-test/topics/quotes");

    HttpResponse<String> empty =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(emulator.restRoot() + "/v1/projects/dcp-test/topics/quotes:publish"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[]}"))
                .header("content-type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(empty.statusCode()).isEqualTo(400);
  }

  @Test
  void oneEmulatorServesTheWholeRun(PubSubEmulator first, PubSubEmulator second) {
    assertThat(first).isSameAs(second);
    assertThat(first.isAlive()).isTrue();
  }
}
