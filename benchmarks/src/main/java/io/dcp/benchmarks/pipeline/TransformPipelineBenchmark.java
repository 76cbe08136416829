package io.dcp.benchmarks.pipeline;

import io.dcp.adapters.javascript.GraalJsMessageTransform;
import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.benchmarks.mapping.MappingBenchmark;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.mapping.TransformingMapper;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.routing.Destinations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline harness of {@link PipelineBenchmark} (generator source, real mapper and pipeline,
 * discarding sink) run twice in one JVM over the same quote events: without a transform, then with
 * a template sample UDF in front of the mapper. Reports messages/s of both and their ratio.
 *
 * <p>{@code TransformPipelineBenchmark [messages] [udf file]}, from the repository root; the UDF
 * defaults to {@code examples/transforms/enrich.js}.
 */
public final class TransformPipelineBenchmark {
  private TransformPipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path udf = Path.of(args.length > 1 ? args[1] : "examples/transforms/enrich.js");
    byte[][] payloads = PipelineBenchmark.payloads(count);
    JsonMessageMapper mapper =
        JsonMessageMapper.create(
            MappingBenchmark.flatSchema(), MappingConfig.typed(), "bench", Clock.systemUTC());
    // A warm-up round of each, then the measured rounds, so neither pays for JIT compilation.
    try (GraalJsMessageTransform transform =
        GraalJsMessageTransform.open(
            udf, "process", new ScriptBudget(100_000, Duration.ofSeconds(1), 256L << 20))) {
      MessageMapper transforming =
          new TransformingMapper(transform, mapper, PipelineMetrics.NOOP, Clock.systemUTC());
      run(payloads, mapper);
      run(payloads, transforming);
      double plain = run(payloads, mapper);
      double transformed = run(payloads, transforming);
      System.out.printf("messages            %,d, udf %s%n", count, udf);
      System.out.printf("no transform        %,.0f messages/s%n", plain);
      System.out.printf("with the UDF        %,.0f messages/s%n", transformed);
      System.out.printf("with / without      %.2f%n", transformed / plain);
    }
  }

  private static double run(byte[][] payloads, MessageMapper mapper) throws Exception {
    RowSink sink = new PipelineBenchmark.DiscardingRowSink();
    IngestPipeline pipeline =
        new IngestPipeline(
            new PipelineBenchmark.GeneratorSource(payloads),
            Destinations.single(TableId.local("quotes"), MappingBenchmark.flatSchema(), mapper),
            sink,
            new TableDeadLetterSink(sink, TableId.local("dead_letters")),
            PipelineSettings.defaults(),
            PipelineMetrics.NOOP,
            Clock.systemUTC());
    long start = System.nanoTime();
    pipeline.start();
    pipeline.finished().toCompletableFuture().get(30, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    pipeline.stop(Duration.ofSeconds(30));
    if (pipeline.stats().deadLettered() > 0) {
      throw new IllegalStateException(pipeline.stats().deadLettered() + " dead letters");
    }
    return payloads.length / seconds;
  }
}
