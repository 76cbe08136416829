package io.dcp.core.mapping;

import io.dcp.core.model.Message;

/**
 * Turns a message into rows for one table schema, or into a dead letter.
 *
 * <p>Implementations are thread-safe and never throw for any message content: every problem with
 * the payload is a {@link MappingResult.Rejected}.
 */
@FunctionalInterface
public interface MessageMapper {

  /** Maps one message. */
  MappingResult map(Message message);
}
