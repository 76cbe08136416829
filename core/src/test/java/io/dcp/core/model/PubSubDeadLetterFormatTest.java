package io.dcp.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PubSubDeadLetterFormatTest {
  static final Instant PUBLISHED = Instant.parse("2026-11-24T14:04:12.012Z");
  static final Instant FAILED = Instant.parse("2026-11-24T14:04:13Z");

  @Test
  void attributesAreTheOriginalOnesPlusTheDcpOnesWithTheReason() {
    DeadLetter deadLetter =
        new DeadLetter(
            message("m1", Map.of("kind", "quote")),
            Stage.MAP,
            "$.size",
            "not an INT64",
            "",
            FAILED);

    assertThat(PubSubDeadLetterFormat.attributes(deadLetter, "projects/p/subscriptions/s"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "kind", "quote",
                "dcp_stage", "map",
                "dcp_error", "map: $.size: not an INT64",
                "dcp_message_id", "m1",
                "dcp_subscription", "projects/p/subscriptions/s",
                "dcp_publish_time", "2026-11-24T14:04:12.012Z",
                "dcp_failed_at", "2026-11-24T14:04:13Z"));
  }

  @Test
  void stackTraceIsAnAttributeAndLongValuesAreCutAtACharacterWithAnEllipsis() {
    String trace = "é".repeat(600);
    DeadLetter deadLetter =
        new DeadLetter(message("m1", Map.of()), Stage.MAP, "", "boom", trace, FAILED);

    String cut = PubSubDeadLetterFormat.attributes(deadLetter, "s").get("dcp_stacktrace");

    assertThat(cut).isEqualTo("é".repeat(510) + "…");
    assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(1023);
  }

  @Test
  void moreAttributesThanPubSubAllowsAreRefusedNamingTheMessage() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 94; i++) {
      many.put("a" + i, "v");
    }
    DeadLetter fits = new DeadLetter(message("m1", many), Stage.MAP, "", "x", "", FAILED);
    many.put("a94", "v");
    DeadLetter tooMany = new DeadLetter(message("m2", many), Stage.MAP, "", "x", "", FAILED);

    assertThat(
            PubSubDeadLetterFormat.tooManyAttributes(
                fits, PubSubDeadLetterFormat.attributes(fits, "s")))
        .isNull();
    assertThat(
            PubSubDeadLetterFormat.tooManyAttributes(
                tooMany, PubSubDeadLetterFormat.attributes(tooMany, "s")))
        .isEqualTo(
            "message m2 has 95 attributes: with the dead-letter attributes it passes Pub/Sub's"
                + " limit of 100; use a dead-letter table for such messages");
  }

  private static Message message(String id, Map<String, String> attributes) {
    return new Message(id, "{}".getBytes(StandardCharsets.UTF_8), attributes, PUBLISHED, "", 1);
  }
}
