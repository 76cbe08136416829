package io.dcp.core.model;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a dead letter travels as a Pub/Sub message, the same from every runner: the original bytes
 * and attributes, plus attributes that say why ({@code dcp_stage}, {@code dcp_error}, {@code
 * dcp_message_id}, {@code dcp_subscription}, {@code dcp_publish_time}, {@code dcp_failed_at}, and
 * {@code dcp_stacktrace} when there is one), so {@code dcp replay --subscription} reads back what
 * either runner published. Pub/Sub limits an attribute value to 1,024 bytes: a longer value is cut
 * at a character boundary with an ellipsis.
 */
public final class PubSubDeadLetterFormat {
  public static final String STAGE = "dcp_stage";
  public static final String ERROR = "dcp_error";
  public static final String MESSAGE_ID = "dcp_message_id";
  public static final String SUBSCRIPTION = "dcp_subscription";
  public static final String PUBLISH_TIME = "dcp_publish_time";
  public static final String FAILED_AT = "dcp_failed_at";
  public static final String STACKTRACE = "dcp_stacktrace";

  /** Every attribute a dead letter gets; the others are the original message's. */
  public static final Set<String> ALL =
      Set.of(STAGE, ERROR, MESSAGE_ID, SUBSCRIPTION, PUBLISH_TIME, FAILED_AT, STACKTRACE);

  /** Pub/Sub's limit on the bytes of an attribute value. */
  public static final int MAX_ATTRIBUTE_BYTES = 1024;

  /** Pub/Sub's limit on the attributes of a message. */
  public static final int MAX_ATTRIBUTES = 100;

  private PubSubDeadLetterFormat() {}

  /**
   * The attributes of the published dead letter: the original message's, then the dead-letter ones
   * (which win over an original attribute of the same name).
   *
   * @param subscription the name of the source the message came from
   */
  public static Map<String, String> attributes(DeadLetter deadLetter, String subscription) {
    Message message = deadLetter.message();
    Map<String, String> attributes = new LinkedHashMap<>(message.attributes());
    attributes.put(STAGE, deadLetter.stage().label());
    attributes.put(ERROR, truncate(deadLetter.errorMessage()));
    attributes.put(MESSAGE_ID, truncate(message.id()));
    attributes.put(SUBSCRIPTION, truncate(subscription));
    attributes.put(PUBLISH_TIME, message.publishTime().toString());
    attributes.put(FAILED_AT, deadLetter.failedAt().toString());
    if (!deadLetter.stackTrace().isEmpty()) {
      attributes.put(STACKTRACE, truncate(deadLetter.stackTrace()));
    }
    return attributes;
  }

  /**
   * Why a dead letter with {@code attributes} cannot be published, or null when it can: more
   * attributes than Pub/Sub allows.
   */
  public static String tooManyAttributes(DeadLetter deadLetter, Map<String, String> attributes) {
    if (attributes.size() <= MAX_ATTRIBUTES) {
      return null;
    }
    return "message "
        + deadLetter.message().id()
        + " has "
        + deadLetter.message().attributes().size()
        + " attributes: with the dead-letter attributes it passes Pub/Sub's limit of "
        + MAX_ATTRIBUTES
        + "; use a dead-letter table for such messages";
  }

  /** Cuts a value to Pub/Sub's attribute limit without splitting a character. */
  public static String truncate(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_ATTRIBUTE_BYTES) {
      return value;
    }
    String ellipsis = "…";
    int budget = MAX_ATTRIBUTE_BYTES - ellipsis.getBytes(StandardCharsets.UTF_8).length;
    int end = 0;
    int used = 0;
    while (end < value.length()) {
      int cp = value.codePointAt(end);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + size > budget) {
        break;
      }
      used += size;
      end += Character.charCount(cp);
    }
    return value.substring(0, end) + ellipsis;
  }
}
