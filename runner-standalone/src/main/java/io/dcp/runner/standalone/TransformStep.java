package io.dcp.runner.standalone;

import com.google.cloud.storage.Storage;
import io.dcp.adapters.javascript.GraalJsMessageTransform;
import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.mapping.TransformingMapper;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.port.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
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
  static TransformStep open(DcpConfig.Transform config) throws ConfigException {
    if (!config.enabled()) {
      return new TransformStep(Optional.empty());
    }
    return compile(config, UdfScriptFile.read(config.javascriptPath()));
  }

  /** As {@link #open(DcpConfig.Transform)}, a gs:// script read through {@code storage}. */
  static TransformStep open(DcpConfig.Transform config, Storage storage) throws ConfigException {
    if (!config.enabled()) {
      return new TransformStep(Optional.empty());
    }
    return compile(config, UdfScriptFile.read(config.javascriptPath(), storage));
  }

  private static TransformStep compile(DcpConfig.Transform config, String text)
      throws ConfigException {
    return new TransformStep(
        Optional.of(
            GraalJsMessageTransform.compile(
                config.javascriptPath(),
                text,
                config.javascriptFunctionName(),
                new ScriptBudget(
                    config.maxStatements(),
                    Duration.ofMillis(config.maxMillis()),
                    config.maxAllocatedBytes()))));
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
