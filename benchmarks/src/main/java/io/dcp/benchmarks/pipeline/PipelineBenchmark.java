package io.dcp.benchmarks.pipeline;

import io.dcp.adapters.duckdb.DuckDbWarehouse;
import io.dcp.benchmarks.mapping.MappingBenchmark;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.Message;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.PipelineStats;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.NoOpPipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.TableOptions;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.routing.Destinations;
import io.dcp.core.routing.TableRoute;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TableSetup;
import io.dcp.core.testing.QuoteEvents;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end harness: a generator source at full speed → the real mapper and pipeline → a
 * discarding sink or DuckDB. Reports messages/s, end-to-end latency (generation to commit) and peak
 * heap, side by side with mapping alone on one thread over the same messages.
 *
 * <p>{@code PipelineBenchmark [messages] [discard|duckdb] [one|attr|field|evolve] [rate]}: the
 * third argument writes one table, or routes to six tables by attribute ({@code
 * quotes_${attr:symbol}}) or by payload field ({@code quotes_${field:symbol}}), or writes one table
 * with schema evolution on (no field is new: the cost of looking for new fields). A {@code rate}
 * (messages/s, 0 for full speed) makes the generator offer messages at that steady rate, each
 * stamped with the time it is due, so that latency is measured from when a producer would have sent
 * it (a message the pipeline is not ready to take waits, and the wait counts). With DuckDB, the
 * tables are created before the run by core's {@code TableSetup}, as {@code dcp run} does.
 *
 * <p>Beside the rates it reports the process's CPU time per message over the run (every thread's,
 * DuckDB's included) and mapping alone's: on N cores the pipeline reaches at most N times their
 * ratio of mapping alone's rate.
 *
 * <p>Each round measures mapping alone, then the pipeline into a fresh sink. {@code -Dwarmups=N} (1
 * unless given) rounds run first and are printed on one line each; the round after them is the
 * measured one, so that both sides of the ratio run compiled code, as a process that has run for a
 * while does. {@code -Dwarmups=0} measures a cold JVM, as the harness did before it had rounds.
 */
public final class PipelineBenchmark {
  private PipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String sinkName = args.length > 1 ? args[1] : "discard";
    String tables = args.length > 2 ? args[2] : "one";
    long rate = args.length > 3 ? Long.parseLong(args[3]) : 0;
    int warmups = Integer.getInteger("warmups", 1);
    byte[][] payloads = payloads(count);
    PipelineSettings settings = settings();
    Path dir = Files.createTempDirectory("dcp-bench");

    for (int w = 1; w <= warmups; w++) {
      Round warmup = round(payloads, sinkName, tables, rate, settings, dir.resolve("warmup-" + w));
      System.out.printf(
          "warm-up %d           pipeline %,.0f messages/s, mapping alone %,.0f messages/s,"
              + " pipeline / mapping %.2f, cpu per message %.1f µs, latency p50 %.1f ms,"
              + " p99 %.1f ms%n",
          w,
          warmup.pipelineRate(),
          warmup.baselineRate(),
          warmup.pipelineRate() / warmup.baselineRate(),
          warmup.cpuSeconds() * 1e6 / count,
          warmup.latencies().percentile(0.50),
          warmup.latencies().percentile(0.99));
    }
    Round r = round(payloads, sinkName, tables, rate, settings, dir.resolve("measured"));

    System.out.printf(
        "messages            %,d (%,d rows mapped in the baseline)%n", count, r.rows());
    System.out.printf("sink                %s, tables: %s%n", sinkName, tables);
    System.out.printf(
        "settings            maxBatchRows %,d, maxInFlightMessages %,d, writeThreads %d,"
            + " warm-up rounds %d%n",
        settings.maxBatchRows(), settings.maxInFlightMessages(), settings.writeThreads(), warmups);
    System.out.printf(
        "offered             %s%n",
        rate > 0 ? String.format("%,d messages/s", rate) : "full speed");
    System.out.printf(
        "pipeline            %,.0f messages/s (%.2f s)%n", r.pipelineRate(), r.seconds());
    System.out.printf("mapping alone       %,.0f messages/s on one thread%n", r.baselineRate());
    System.out.printf("pipeline / mapping  %.2f%n", r.pipelineRate() / r.baselineRate());
    System.out.printf(
        "cpu per message     pipeline %.1f µs (%.2f of %d cores busy), mapping alone %.1f µs%n",
        r.cpuSeconds() * 1e6 / count,
        r.cpuSeconds() / r.seconds(),
        Runtime.getRuntime().availableProcessors(),
        1e6 / r.baselineRate());
    System.out.printf(
        "end-to-end latency  p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
        r.latencies().percentile(0.50),
        r.latencies().percentile(0.99),
        r.latencies().percentile(0.999),
        r.latencies().percentile(1.0));
    System.out.printf(
        "peak heap           %,d MiB (max %,d MiB)%n",
        r.peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        "acked %,d, nacked %,d, dead letters %,d%n",
        r.stats().acked(), r.stats().nacked(), r.stats().deadLettered());
  }

  /** What one round measured: mapping alone, then the pipeline into a fresh sink. */
  private record Round(
      long rows,
      double baselineRate,
      double pipelineRate,
      double seconds,
      double cpuSeconds,
      LatencyRecorder latencies,
      long peakHeap,
      PipelineStats stats) {}

  /**
   * Mapping alone on one thread over every payload, then the pipeline over the same payloads into a
   * discarding sink or a new DuckDB file in {@code dir}. A round before the measured one runs the
   * same code, so that the measured round runs compiled code as a long-running process does.
   */
  private static Round round(
      byte[][] payloads,
      String sinkName,
      String tables,
      long rate,
      PipelineSettings settings,
      Path dir)
      throws Exception {
    int count = payloads.length;
    JsonMessageMapper mapper =
        JsonMessageMapper.create(
            MappingBenchmark.flatSchema(), MappingConfig.typed(), "bench", Clock.systemUTC());
    long baselineStart = System.nanoTime();
    long rows = 0;
    for (int i = 0; i < count; i++) {
      if (mapper.map(Message.of("m" + i, payloads[i], Instant.EPOCH))
          instanceof MappingResult.Mapped m) {
        rows += m.rows().size();
      }
    }
    double baselineRate = count / ((System.nanoTime() - baselineStart) / 1e9);

    Files.createDirectories(dir);
    DuckDbWarehouse warehouse =
        sinkName.equals("duckdb")
            ? DuckDbWarehouse.open(dir.resolve("bench.duckdb").toString())
            : null;
    RowSink sink = warehouse != null ? warehouse.rowSink() : new DiscardingRowSink();
    Optional<TableSetup> setup = Optional.empty();
    if (warehouse != null) {
      setup = Optional.of(new TableSetup(warehouse.tableAdmin(), true, TableOptions.none(), false));
      setup.get().prepareDeadLetterTable(TableId.local("dead_letters"));
    }
    LatencyRecorder latencies = new LatencyRecorder(count);
    resetPeaks();
    IngestPipeline pipeline =
        new IngestPipeline(
            new GeneratorSource(payloads, rate),
            destinations(tables, mapper, setup),
            sink,
            new TableDeadLetterSink(sink, TableId.local("dead_letters")),
            settings,
            latencies,
            Clock.systemUTC());
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    pipeline.start();
    pipeline.finished().toCompletableFuture().get(30, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    pipeline.stop(Duration.ofSeconds(30));
    if (warehouse != null) {
      warehouse.close();
    }
    return new Round(
        rows,
        baselineRate,
        count / seconds,
        seconds,
        cpuSeconds,
        latencies,
        peakHeap(),
        pipeline.stats());
  }

  /** The CPU time of this process so far, every thread's (the JVM's and DuckDB's alike). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The default pipeline settings, with {@code -DmaxBatchRows}, {@code -DmaxInFlightMessages} and
   * {@code -DwriteThreads} in place of their defaults when given.
   */
  private static PipelineSettings settings() {
    PipelineSettings defaults = PipelineSettings.defaults();
    int rows = Integer.getInteger("maxBatchRows", defaults.maxBatchRows());
    int inFlight = Integer.getInteger("maxInFlightMessages", defaults.maxInFlightMessages());
    int writers = Integer.getInteger("writeThreads", defaults.writeThreads());
    return defaults
        .withBatch(rows, defaults.maxBatchBytes(), defaults.maxBatchLatency())
        .withInFlight(inFlight, defaults.maxInFlightBytes())
        .withWriteThreads(writers);
  }

  private static Destinations destinations(
      String tables, JsonMessageMapper mapper, Optional<TableSetup> setup)
      throws io.dcp.core.port.SinkException {
    TableSchema schema = MappingBenchmark.flatSchema();
    Optional<TableRoute> route =
        switch (tables) {
          case "attr" -> Optional.of(TableRoute.parse("quotes_${attr:symbol}"));
          case "field" -> Optional.of(TableRoute.parse("quotes_${field:symbol}"));
          default -> Optional.empty();
        };
    boolean evolve = tables.equals("evolve");
    Optional<io.dcp.core.port.TableAdmin> admin =
        evolve ? Optional.of(new SchemaOnlyAdmin(schema)) : Optional.empty();
    return Destinations.open(
        new Destinations.Settings(
            TableId.local("quotes"),
            schema,
            Map.of(),
            route,
            10,
            s -> evolve ? mapper.reportingNewColumns() : mapper,
            admin,
            setup,
            evolve));
  }

  static byte[][] payloads(int count) {
    return QuoteEvents.payloads(count);
  }

  static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed())
        .sum();
  }

  /**
   * Hands pre-built payloads to the pipeline as fast as it takes them, stamped with now; or, at a
   * {@code rate} above 0, message i when it is due (i / rate seconds after the start), stamped with
   * that time.
   */
  static final class GeneratorSource implements MessageSource {
    private final byte[][] payloads;
    private final long rate;
    private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
    private volatile boolean stopped;

    GeneratorSource(byte[][] payloads) {
      this(payloads, 0);
    }

    GeneratorSource(byte[][] payloads, long rate) {
      this.payloads = payloads;
      this.rate = rate;
    }

    private Instant offer(int i, long startNanos, Instant startTime) {
      if (rate <= 0) {
        return Instant.now();
      }
      long dueNanos = i * 1_000_000_000L / rate;
      long wait = startNanos + dueNanos - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      return startTime.plusNanos(dueNanos);
    }

    @Override
    public void start(MessageReceiver receiver) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  long startNanos = System.nanoTime();
                  Instant startTime = Instant.now();
                  for (int i = 0; i < payloads.length && !stopped; i++) {
                    Instant offered = offer(i, startNanos, startTime);
                    receiver.receive(
                        new Message(
                            "m" + i,
                            payloads[i],
                            Map.of("symbol", SYMBOLS[i % SYMBOLS.length]),
                            offered,
                            "",
                            0),
                        NO_OP);
                  }
                  exhausted.complete(null);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "generator");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public CompletionStage<Void> exhausted() {
      return exhausted;
    }

    @Override
    public void stop() {
      stopped = true;
    }

    @Override
    public void close() {}
  }

  private static final io.dcp.core.port.Acknowledger NO_OP =
      new io.dcp.core.port.Acknowledger() {
        @Override
        public void ack() {}

        @Override
        public void nack() {}
      };

  /** The symbols of {@code QuoteEvents}, in its order: attribute i matches payload i. */
  private static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "AMZN", "SAP", "ASML"};

  /** A warehouse that knows one schema and never changes: evolution with no new field. */
  private record SchemaOnlyAdmin(TableSchema schema) implements io.dcp.core.port.TableAdmin {
    @Override
    public Optional<TableSchema> schema(TableId table) {
      return Optional.of(schema);
    }

    @Override
    public void create(TableId table, TableSchema s, io.dcp.core.port.TableOptions options) {}

    @Override
    public void addColumns(TableId table, List<io.dcp.core.schema.Field> columns) {
      throw new IllegalStateException("the benchmark's events have no new field: " + columns);
    }

    @Override
    public void close() {}
  }

  /** Commits nothing, instantly: measures the pipeline machinery alone. */
  static final class DiscardingRowSink implements RowSink {
    @Override
    public WriteResult write(WriteBatch batch) {
      return WriteResult.allWritten();
    }

    @Override
    public void close() {}
  }

  /** Keeps every end-to-end latency in an array; ignores everything else. */
  static final class LatencyRecorder extends NoOpPipelineMetrics {
    private final long[] nanos;
    private final AtomicInteger next = new AtomicInteger();

    LatencyRecorder(int capacity) {
      nanos = new long[capacity];
    }

    double percentile(double p) {
      long[] sorted = Arrays.copyOf(nanos, Math.min(next.get(), nanos.length));
      Arrays.sort(sorted);
      return sorted.length == 0
          ? 0
          : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    @Override
    public void endToEndLatency(Duration latency) {
      int i = next.getAndIncrement();
      if (i < nanos.length) {
        nanos[i] = latency.toNanos();
      }
    }
  }
}
