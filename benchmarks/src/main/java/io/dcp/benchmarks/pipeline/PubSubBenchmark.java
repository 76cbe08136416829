package io.dcp.benchmarks.pipeline;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.adapters.pubsub.PubSubMessageSource;
import io.dcp.adapters.pubsub.PubSubSourceSettings;
import io.dcp.benchmarks.mapping.MappingBenchmark;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.RowSink;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The cost of the Pub/Sub client path: the same messages through the same pipeline into the
 * discarding sink, once from the in-process generator and once published to the Pub/Sub test server
 * on loopback and pulled by {@link PubSubMessageSource} (streaming pull, flow control, acks sent
 * back over gRPC). Both runs are timed from start to the last ack. The Pub/Sub messages are all
 * published before the run, so their publish-to-commit latency measures the backlog, and only the
 * generator's is printed.
 *
 * <p>{@code PubSubBenchmark [messages] [pull streams]}
 */
public final class PubSubBenchmark {
  private static final String TOPIC = "projects/bench-project/topics/quotes";
  private static final String SUBSCRIPTION = "projects/bench-project/subscriptions/quotes";

  private PubSubBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int streams = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    byte[][] payloads = PipelineBenchmark.payloads(count);

    // Warm-up of both paths on a tenth of the messages, then the measured runs.
    generatorRun(java.util.Arrays.copyOf(payloads, count / 10));
    pubsubRun(java.util.Arrays.copyOf(payloads, count / 10), streams);
    Run generator = generatorRun(payloads);
    Run pubsub = pubsubRun(payloads, streams);

    System.out.printf(
        "messages             %,d (flat quote, %d bytes)%n", count, payloads[0].length);
    System.out.printf(
        "generator source     %s, end-to-end p50 %.1f ms, p99 %.1f ms%n",
        generator, generator.p50(), generator.p99());
    System.out.printf("Pub/Sub source       %s (%d pull stream(s))%n", pubsub, streams);
    System.out.printf("Pub/Sub / generator  %.2f%n", pubsub.rate() / generator.rate());
  }

  /** One timed run; latency is publish time to commit, meaningful only for the generator. */
  private record Run(double seconds, double rate, double p50, double p99, long peakHeapMiB) {
    @Override
    public String toString() {
      return String.format(
          "%,.0f messages/s (%.2f s), peak heap %,d MiB", rate, seconds, peakHeapMiB);
    }
  }

  private static Run generatorRun(byte[][] payloads) throws Exception {
    PipelineBenchmark.GeneratorSource source = new PipelineBenchmark.GeneratorSource(payloads);
    return run(source, payloads.length, () -> source.exhausted().toCompletableFuture().isDone());
  }

  private static Run pubsubRun(byte[][] payloads, int streams) throws Exception {
    try (FakePubSubServer server = FakePubSubServer.start()) {
      server.createTopicAndSubscription(TOPIC, SUBSCRIPTION);
      List<PubsubMessage> messages = new ArrayList<>(payloads.length);
      for (byte[] payload : payloads) {
        messages.add(PubsubMessage.newBuilder().setData(ByteString.copyFrom(payload)).build());
      }
      server.publish(TOPIC, messages);
      PipelineSettings settings = PipelineSettings.defaults();
      PubSubMessageSource source =
          new PubSubMessageSource(
              PubSubSourceSettings.defaults(SUBSCRIPTION)
                  .withEndpoint(server.endpoint())
                  .withParallelism(streams, 4)
                  .withMaxOutstanding(settings.maxInFlightMessages(), settings.maxInFlightBytes()),
              Map.of());
      return run(source, payloads.length, () -> server.ackedCount(SUBSCRIPTION) == payloads.length);
    }
  }

  private static Run run(MessageSource source, int count, BooleanSupplier done) throws Exception {
    RowSink sink = new PipelineBenchmark.DiscardingRowSink();
    PipelineBenchmark.LatencyRecorder latencies = new PipelineBenchmark.LatencyRecorder(count);
    PipelineBenchmark.resetPeaks();
    IngestPipeline pipeline =
        new IngestPipeline(
            source,
            JsonMessageMapper.create(
                MappingBenchmark.flatSchema(), MappingConfig.typed(), "bench", Clock.systemUTC()),
            TableId.local("quotes"),
            MappingBenchmark.flatSchema(),
            sink,
            new TableDeadLetterSink(sink, TableId.local("dead_letters")),
            PipelineSettings.defaults(),
            latencies,
            Clock.systemUTC());
    long start = System.nanoTime();
    pipeline.start();
    while (!done.getAsBoolean() || pipeline.stats().acked() < count) {
      Thread.sleep(1);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pipeline.stop(Duration.ofSeconds(30));
    return new Run(
        seconds,
        count / seconds,
        latencies.percentile(0.50),
        latencies.percentile(0.99),
        PipelineBenchmark.peakHeap() >> 20);
  }
}
