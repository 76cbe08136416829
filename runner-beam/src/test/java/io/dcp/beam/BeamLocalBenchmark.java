package io.dcp.beam;

import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.adapters.ndjson.NdjsonMessageSource;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.testing.InMemoryDeadLetterSink;
import io.dcp.core.testing.QuoteEvents;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Standalone engine vs Beam DirectRunner on the same NDJSON file, same machine, same mapping: each
 * reads the file, maps every line with core and discards the rows, so what differs is the engine. A
 * third run is the Beam job's whole local mode, rows written as NDJSON files. A fourth maps on
 * DirectRunner with the template's sample UDF {@code examples/transforms/enrich.js} run first, as
 * the job runs a UDF ({@link TransformingMapperFactory}). Prints messages/s and the peak heap of
 * each run.
 *
 * <p>{@code BeamLocalBenchmark [messages]}
 */
public final class BeamLocalBenchmark {
  private BeamLocalBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    Path dir = Files.createTempDirectory("dcp-beam-bench");
    Path input = dir.resolve("quotes.ndjson");
    try (OutputStream out = Files.newOutputStream(input)) {
      for (byte[] payload : QuoteEvents.payloads(count)) {
        out.write(payload);
        out.write('\n');
      }
    }
    String schemaJson = SchemaJson.write(QuoteEvents.schema());

    MapMessagesFn.MapperFactory enrich =
        new TransformingMapperFactory(
            MapMessagesFn.CORE,
            new TransformScript(
                "enrich.js",
                Files.readString(Path.of("../examples/transforms/enrich.js")),
                "process",
                new ScriptBudget(100_000, Duration.ofSeconds(1), 256L << 20)));

    standalone(input, Math.max(1, count / 10)); // warm-up
    beam(input, schemaJson, null, MapMessagesFn.CORE);
    long[] s = standalone(input, count);
    long[] b = beam(input, schemaJson, null, MapMessagesFn.CORE);
    long[] f = beam(input, schemaJson, dir.resolve("out").toString(), null);
    long[] u = beam(input, schemaJson, null, enrich);

    System.out.printf(
        "messages                   %,d (%,d bytes of NDJSON)%n", count, Files.size(input));
    print("standalone engine", count, s);
    print("Beam DirectRunner", count, b);
    print("Beam local mode (files)", count, f);
    print("Beam, enrich.js UDF first", count, u);
    System.out.printf(
        "Beam / standalone          %.2f× the throughput, %.2f× the peak heap%n",
        (double) s[0] / b[0], (double) b[1] / s[1]);
    System.out.printf("Beam with UDF / without    %.2f× the throughput%n", (double) b[0] / u[0]);
  }

  private static void print(String name, int count, long[] run) {
    System.out.flush();
    System.out.printf(
        "%-26s %,.0f messages/s (%.2f s), peak heap %,d MiB%n",
        name, count / (run[0] / 1e9), run[0] / 1e9, run[1] >> 20);
  }

  /** Returns {elapsed nanos, peak heap bytes}. */
  private static long[] standalone(Path input, int expected) throws Exception {
    resetPeaks();
    long start = System.nanoTime();
    IngestPipeline pipeline =
        new IngestPipeline(
            new NdjsonMessageSource(
                List.of(input.toString()),
                new ByteArrayInputStream(new byte[0]),
                Clock.systemUTC(),
                3),
            JsonMessageMapper.create(
                QuoteEvents.schema(), MappingConfig.typed(), "bench", Clock.systemUTC()),
            TableId.local("quotes"),
            QuoteEvents.schema(),
            new DiscardingRowSink(),
            new InMemoryDeadLetterSink(),
            PipelineSettings.defaults(),
            PipelineMetrics.NOOP,
            Clock.systemUTC());
    pipeline.start();
    pipeline.finished().toCompletableFuture().get(30, TimeUnit.MINUTES);
    pipeline.stop(Duration.ofSeconds(30));
    return new long[] {System.nanoTime() - start, peakHeap()};
  }

  /**
   * Maps with the mappers of {@code mappers} and counts, or with {@code outputDirectory} runs the
   * whole local job.
   */
  private static long[] beam(
      Path input, String schemaJson, String outputDirectory, MapMessagesFn.MapperFactory mappers) {
    resetPeaks();
    long start = System.nanoTime();
    if (outputDirectory != null) {
      DcpBeamOptions options =
          PipelineOptionsFactory.fromArgs(
                  "--inputFiles=" + input,
                  "--outputDirectory=" + outputDirectory,
                  "--schemaFile=unused")
              .as(DcpBeamOptions.class);
      Pipeline pipeline = Pipeline.create(options);
      DcpBeamPipeline.build(pipeline, options, schemaJson, "");
      pipeline.run().waitUntilFinish();
    } else {
      Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
      PCollectionTuple mapped =
          pipeline
              .apply(new ReadNdjsonFiles(input.toString()))
              .apply(
                  ParDo.of(new MapMessagesFn(schemaJson, "", "bench", mappers))
                      .withOutputTags(
                          MapMessagesFn.ROWS, TupleTagList.of(MapMessagesFn.DEAD_LETTERS)));
      MapMessagesFnTest.rowsOf(mapped).apply(Count.globally());
      mapped.get(MapMessagesFn.DEAD_LETTERS).setCoder(TableRowJsonCoder.of());
      pipeline.run().waitUntilFinish();
    }
    return new long[] {System.nanoTime() - start, peakHeap()};
  }

  private static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed())
        .sum();
  }

  /** Commits nothing, instantly. */
  private static final class DiscardingRowSink implements RowSink {
    @Override
    public WriteResult write(WriteBatch batch) {
      return WriteResult.allWritten();
    }

    @Override
    public void close() {}
  }
}
