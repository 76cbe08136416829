package io.dcp.adapters.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publish request whose messages were handed to the pipeline: no thread waits for it; the
 * outcomes of its messages, a timeout or the source closing complete {@link #answered}, and the
 * answer is written then.
 */
final class PendingPublish {
  private static final Logger LOG = LoggerFactory.getLogger(PendingPublish.class);

  private final HttpExchange exchange;
  private final List<Message> messages;
  private final List<CompletableFuture<Boolean>> settled;
  private final CompletableFuture<Boolean> closing = new CompletableFuture<>();
  private final Duration ackTimeout;

  PendingPublish(HttpExchange exchange, List<Message> messages, Duration ackTimeout) {
    this.exchange = requireNonNull(exchange, "exchange");
    this.messages = List.copyOf(messages);
    this.ackTimeout = requireNonNull(ackTimeout, "ackTimeout");
    this.settled = new ArrayList<>(messages.size());
  }

  List<Message> messages() {
    return messages;
  }

  /**
   * The acknowledger of the next message handed over; its ack or nack is that message's outcome.
   */
  Acknowledger nextAcknowledger() {
    CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    settled.add(outcome);
    return new Acknowledger() {
      @Override
      public void ack() {
        outcome.complete(true);
      }

      @Override
      public void nack() {
        outcome.complete(false);
      }
    };
  }

  /**
   * Completes once every message handed over has an outcome, {@code ackTimeout} has passed (then
   * with a {@link TimeoutException}), or {@link #close} was called.
   */
  CompletableFuture<Object> answered() {
    return CompletableFuture.anyOf(
            CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)), closing)
        .orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Ends the wait: the source is closing, and what is not known by now will not be. */
  void close() {
    closing.complete(false);
  }

  /** Writes the answer and ends the exchange; {@code error} is the wait's failure, or null. */
  void answer(Throwable error) {
    try (exchange) {
      if (error != null) {
        unknownOutcome();
      } else if (!settled.stream().allMatch(CompletableFuture::isDone)) {
        if (anyNacked()) {
          notStored();
        } else {
          JsonReplies.error(
              exchange,
              503,
              "UNAVAILABLE",
              "the pipeline stopped before every message of the request was confirmed; some may"
                  + " have been stored: a retry can store them twice");
        }
      } else if (anyNacked()) {
        notStored();
      } else {
        ObjectNode response = JsonReplies.object();
        messages.forEach(m -> response.withArray("messageIds").add(m.id()));
        JsonReplies.send(exchange, 200, response);
      }
    } catch (IOException e) {
      LOG.debug("publish answer not delivered: {}", e.getMessage());
    }
  }

  /** 504: the wait ended before every outcome was known; says what is known, never "not stored". */
  private void unknownOutcome() throws IOException {
    if (anyNacked()) {
      notStored();
      return;
    }
    long confirmed = settled.stream().filter(CompletableFuture::isDone).count();
    JsonReplies.error(
        exchange,
        504,
        "DEADLINE_EXCEEDED",
        confirmed
            + " of "
            + settled.size()
            + " messages were confirmed within source.http.ackTimeout ("
            + ackTimeout.toMillis()
            + " ms); the others are still being stored and may land: a retry can store them"
            + " twice, under new message ids");
  }

  private boolean anyNacked() {
    return settled.stream().anyMatch(f -> f.isDone() && !f.join());
  }

  private void notStored() throws IOException {
    JsonReplies.error(
        exchange, 503, "UNAVAILABLE", "some messages could not be stored; retry the request");
  }
}
