package io.dcp.runner.standalone;

import com.google.cloud.storage.Storage;
import io.dcp.adapters.javascript.GraalJsMessageTransform;
import io.dcp.adapters.javascript.JavaScriptTransformSettings;
import io.dcp.core.config.ConfigException;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.mapping.TransformingMapper;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.port.PipelineMetrics;
import java.time.Clock;
import java.util.Optional;

/** The {@code transform} section's message transform, if one is configured, put before mapping. */
final class TransformStep implements AutoCloseable {
  private final Optional<MessageTransform> transform;

  private TransformStep(Optional<MessageTransform> transform) {
    this.transform = transform;
  }

  /**
   * Reads (a local file or gs://, {@link UdfScriptFile}) and compiles the configured script; no
   * transform when {@code transform.javascript.path} is empty.
   */
  static TransformStep open(Optional<JavaScriptTransformSettings> config) throws ConfigException {
    if (config.isEmpty()) {
      return new TransformStep(Optional.empty());
    }
    return compile(config.get(), UdfScriptFile.read(config.get().path()));
  }

  /** As {@link #open(Optional)}, a gs:// script read through {@code storage}. */
  static TransformStep open(Optional<JavaScriptTransformSettings> config, Storage storage)
      throws ConfigException {
    if (config.isEmpty()) {
      return new TransformStep(Optional.empty());
    }
    return compile(config.get(), UdfScriptFile.read(config.get().path(), storage));
  }

  private static TransformStep compile(JavaScriptTransformSettings config, String text)
      throws ConfigException {
    return new TransformStep(
        Optional.of(
            GraalJsMessageTransform.compile(
                config.path(), text, config.functionName(), config.budget())));
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
