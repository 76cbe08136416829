package io.dcp.runner.standalone;

import io.dcp.adapters.javascript.GraalJsMessageTransform;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.mapping.TransformingMapper;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.port.PipelineMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** The {@code transform} section's message transform, if one is configured, put before mapping. */
final class TransformStep implements AutoCloseable {
  private final Optional<MessageTransform> transform;

  private TransformStep(Optional<MessageTransform> transform) {
    this.transform = transform;
  }

  /**
   * Compiles the configured script; no transform when {@code transform.javascript.path} is empty.
   */
  static TransformStep open(DcpConfig.Transform config) throws ConfigException {
    if (!config.enabled()) {
      return new TransformStep(Optional.empty());
    }
    return new TransformStep(
        Optional.of(
            GraalJsMessageTransform.open(
                Path.of(config.javascriptPath()),
                config.javascriptFunctionName(),
                config.maxStatements())));
  }

  /** The transform itself, for tools that show its output ({@code dcp validate --sample}). */
  Optional<MessageTransform> transform() {
    return transform;
  }

  /** {@code mapper}, with the transform run first when there is one. */
  MessageMapper around(MessageMapper mapper, PipelineMetrics metrics, Clock clock) {
    return transform
        .<MessageMapper>map(t -> new TransformingMapper(t, mapper, metrics, clock))
        .orElse(mapper);
  }

  @Override
  public void close() {
    transform.ifPresent(MessageTransform::close);
  }
}
