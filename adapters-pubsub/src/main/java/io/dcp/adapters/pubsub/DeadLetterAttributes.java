package io.dcp.adapters.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.PubSubDeadLetterFormat;
import io.dcp.core.model.Stage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The attributes {@link PubSubDeadLetterSink} adds to a dead letter it publishes (core's {@link
 * PubSubDeadLetterFormat}, which the Beam job publishes too), and how {@link PubSubDeadLetterStore}
 * reads the dead letter back from a pulled message.
 */
final class DeadLetterAttributes {
  static final String STAGE = PubSubDeadLetterFormat.STAGE;
  static final String ERROR = PubSubDeadLetterFormat.ERROR;
  static final String MESSAGE_ID = PubSubDeadLetterFormat.MESSAGE_ID;
  static final String SUBSCRIPTION = PubSubDeadLetterFormat.SUBSCRIPTION;
  static final String PUBLISH_TIME = PubSubDeadLetterFormat.PUBLISH_TIME;
  static final String FAILED_AT = PubSubDeadLetterFormat.FAILED_AT;
  static final String STACKTRACE = PubSubDeadLetterFormat.STACKTRACE;

  /** Every attribute the sink adds; the others are the original message's. */
  static final Set<String> ALL = PubSubDeadLetterFormat.ALL;

  private DeadLetterAttributes() {}

  /** A pulled message read back: a dead letter, or why it is not one. */
  sealed interface Reading {}

  /** The message is a dead letter dcp published. */
  record Read(DeadLetter deadLetter) implements Reading {}

  /** The message was not published by dcp, or its dead-letter attributes cannot be read. */
  record NotADeadLetter(String why) implements Reading {}

  /**
   * Rebuilds the dead letter a message of the dead-letter topic carries: the original payload,
   * attributes (without the dead-letter ones), id and publish time, and the stage, error and
   * rejection time. The sink publishes neither the ordering key nor the delivery attempt: they come
   * back empty and 0.
   */
  static Reading read(PubsubMessage pubsubMessage) {
    Map<String, String> attributes = pubsubMessage.getAttributesMap();
    String stageLabel = attributes.get(STAGE);
    if (stageLabel == null) {
      return new NotADeadLetter("no " + STAGE + " attribute");
    }
    Stage stage;
    try {
      stage = Stage.valueOf(stageLabel.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return new NotADeadLetter(STAGE + " '" + stageLabel + "' is not a stage");
    }
    for (String required : Set.of(ERROR, MESSAGE_ID, PUBLISH_TIME, FAILED_AT)) {
      if (!attributes.containsKey(required)) {
        return new NotADeadLetter("no " + required + " attribute");
      }
    }
    Instant publishTime;
    Instant failedAt;
    try {
      publishTime = Instant.parse(attributes.get(PUBLISH_TIME));
      failedAt = Instant.parse(attributes.get(FAILED_AT));
    } catch (DateTimeParseException e) {
      return new NotADeadLetter("unreadable time: " + e.getParsedString());
    }
    Map<String, String> original = new HashMap<>(attributes);
    original.keySet().removeAll(ALL);
    Message message =
        new Message(
            attributes.get(MESSAGE_ID),
            pubsubMessage.getData().toByteArray(),
            original,
            publishTime,
            "",
            0);
    String error = attributes.get(ERROR);
    String fieldPath = "";
    String reason = error;
    String prefix = stage.label() + ": ";
    if (error.startsWith(prefix)) {
      // The sink wrote DeadLetter.errorMessage(): "stage: path: reason", or "stage: reason".
      reason = error.substring(prefix.length());
      int colon = reason.indexOf(": ");
      if (reason.startsWith("$") && colon > 0) {
        fieldPath = reason.substring(0, colon);
        reason = reason.substring(colon + 2);
      }
    }
    return new Read(
        new DeadLetter(
            message, stage, fieldPath, reason, attributes.getOrDefault(STACKTRACE, ""), failedAt));
  }
}
