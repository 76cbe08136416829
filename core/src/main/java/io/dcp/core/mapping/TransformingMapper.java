package io.dcp.core.mapping;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.TransformResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * A mapper that runs a {@link MessageTransform} on each message first: the transform stage between
 * decode and map. A dropped message maps to no rows (acked, never dead-lettered); a failed one is a
 * {@code transform} dead letter. Every dead letter keeps the original message, so a replay
 * transforms it again.
 *
 * <p>A payload that is not UTF-8 is not transformed: the mapper rejects it at {@code decode}.
 */
public final class TransformingMapper implements MessageMapper {
  private final MessageTransform transform;
  private final MessageMapper mapper;
  private final PipelineMetrics metrics;
  private final Clock clock;

  /** Transforms with {@code transform}, then maps with {@code mapper}. */
  public TransformingMapper(
      MessageTransform transform, MessageMapper mapper, PipelineMetrics metrics, Clock clock) {
    this.transform = requireNonNull(transform, "transform");
    this.mapper = requireNonNull(mapper, "mapper");
    this.metrics = requireNonNull(metrics, "metrics");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public MappingResult map(Message message) {
    byte[] data = message.dataUnsafe();
    if (Utf8.firstInvalid(data) >= 0) {
      return mapper.map(message);
    }
    TransformResult result;
    try {
      result = transform.transform(message, new String(data, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      // Transforms promise not to throw; if one does, the message is kept, not lost.
      result = new TransformResult.Failed("unexpected transform failure: " + e);
    }
    if (result instanceof TransformResult.Dropped) {
      metrics.messageDropped();
      return new MappingResult.Mapped(List.of());
    }
    if (result instanceof TransformResult.Failed failed) {
      metrics.transformFailed();
      return new MappingResult.Rejected(
          DeadLetter.of(message, Stage.TRANSFORM, "", failed.reason(), clock.instant()));
    }
    TransformResult.Transformed transformed = (TransformResult.Transformed) result;
    metrics.messageTransformed();
    Message next =
        new Message(
            message.id(),
            transformed.payload().getBytes(StandardCharsets.UTF_8),
            transformed.attributes(),
            message.publishTime(),
            message.orderingKey(),
            message.deliveryAttempt());
    MappingResult mapped = mapper.map(next);
    if (mapped instanceof MappingResult.Rejected rejected) {
      DeadLetter letter = rejected.deadLetter();
      return new MappingResult.Rejected(
          new DeadLetter(
              message,
              letter.stage(),
              letter.fieldPath(),
              letter.reason(),
              letter.stackTrace(),
              letter.failedAt()));
    }
    return mapped;
  }
}
