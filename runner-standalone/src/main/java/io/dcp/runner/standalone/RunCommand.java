package io.dcp.runner.standalone;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineStats;
import io.dcp.core.port.SourceException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Runs the pipeline until a bounded source is done or the process is told to stop (SIGTERM,
 * Ctrl-C), then drains and prints a summary.
 */
@Command(name = "run", description = "Runs the pipeline.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DcpConfig config = options.load(err);
    if (config == null) {
      return Main.CONFIG_ERROR;
    }
    Injector injector;
    IngestPipeline pipeline;
    MeterRegistry registry;
    try {
      injector = Guice.createInjector(new PipelineModule(config));
      pipeline = injector.getInstance(IngestPipeline.class);
      registry = injector.getInstance(MeterRegistry.class);
    } catch (ProvisionException | com.google.inject.CreationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      err.println("cannot start: " + cause.getMessage());
      err.flush();
      return Main.CONFIG_ERROR;
    }
    AdminServer admin = null;
    if (config.admin().enabled()) {
      admin = new AdminServer(config.admin().host(), config.admin().port(), pipeline, registry);
      LOG.info(
          "admin HTTP on http://{}:{}/ (healthz, readyz, metrics)",
          config.admin().host(),
          admin.port());
    }
    long started = System.nanoTime();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              LOG.info("stop requested: draining for up to {}", config.pipeline().drainTimeout());
              pipeline.stop(config.pipeline().drainTimeout());
              try {
                stopped.await(
                    config.pipeline().drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "dcp-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ScheduledExecutorService progress =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dcp-progress");
              t.setDaemon(true);
              return t;
            });
    int status = 0;
    try {
      pipeline.start();
      progress.scheduleAtFixedRate(
          () -> printProgress(out, pipeline.stats(), started), 5, 5, TimeUnit.SECONDS);
      pipeline.finished().toCompletableFuture().get();
    } catch (SourceException e) {
      err.println("cannot start the source: " + e.getMessage());
      status = 1;
    } catch (ExecutionException e) {
      err.println("the run failed: " + e.getCause().getMessage());
      status = 1;
    } finally {
      progress.shutdownNow();
      boolean drained = pipeline.stop(config.pipeline().drainTimeout());
      if (!drained) {
        status = 1;
      }
      printSummary(out, config, pipeline.stats(), started);
      if (admin != null) {
        admin.close();
      }
      // Sends what a push backend (StatsD) still holds.
      registry.close();
      injector.getInstance(TransformStep.class).close();
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it waits for this summary.
      }
    }
    return status;
  }

  private static void printProgress(PrintWriter out, PipelineStats stats, long started) {
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    out.printf(
        "%,d messages, %,d rows, %,d dead letters, %,.0f rows/s%n",
        stats.received(), stats.rowsWritten(), stats.deadLettered(), stats.rowsWritten() / seconds);
    out.flush();
  }

  private static void printSummary(
      PrintWriter out, DcpConfig config, PipelineStats stats, long started) {
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    double seconds = Math.max(1e-3, took.toNanos() / 1e9);
    out.printf(
        "%nDone in %.1f s: %,d messages, %,d rows written (%,.0f rows/s), %,d dead letters, %,d nacked.%n",
        seconds,
        stats.received(),
        stats.rowsWritten(),
        stats.rowsWritten() / seconds,
        stats.deadLettered(),
        stats.nacked());
    String deadLetters =
        config.deadLetter().type().equals("pubsub-topic")
            ? "published to " + config.deadLetter().pubsub().topic()
            : "in " + config.deadLetter().table();
    if (!config.table().route().isEmpty()) {
      out.printf(
          "Rows are in the tables %s names (%s when it names none); dead letters %s.%n",
          config.table().route(), config.table().id(), deadLetters);
    } else if (config.sink().type().equals("duckdb")) {
      out.printf(
          "Rows are in table %s of %s; dead letters %s. Query them with:%n"
              + "  java -jar runner-standalone/target/dcp.jar query %s \"SELECT * FROM %s LIMIT 10\"%n",
          config.table().id(),
          config.sink().duckdbPath(),
          deadLetters,
          config.sink().duckdbPath(),
          config.table().id());
    } else {
      out.printf(
          "Rows are in BigQuery table %s; dead letters %s.%n", config.table().id(), deadLetters);
    }
    out.flush();
  }
}
