package io.dcp.runner.standalone;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.dcp.adapters.ndjson.NdjsonMessageSource;
import io.dcp.adapters.pubsub.PubSubDeadLetterSection;
import io.dcp.core.config.CheckedConfig;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.DeadLetterType;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineStats;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.SourceException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs the pipeline.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Config, schema files and the mapping's fit to them: every problem in one report.
    CheckedConfig checked = options.loadWithSchemas(err);
    if (checked == null) {
      return Main.CONFIG_ERROR;
    }
    DcpConfig config = checked.config();
    Injector injector;
    IngestPipeline pipeline;
    MeterRegistry registry;
    MessageSource source;
    try {
      injector = Guice.createInjector(new PipelineModule(config));
      pipeline = injector.getInstance(IngestPipeline.class);
      registry = injector.getInstance(MeterRegistry.class);
      source = injector.getInstance(MessageSource.class);
    } catch (ProvisionException | com.google.inject.CreationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      err.println("cannot start: " + cause.getMessage());
      err.flush();
      return Main.CONFIG_ERROR;
    }
    AdminServer admin = null;
    if (config.admin().enabled()) {
      try {
        admin = new AdminServer(config.admin().host(), config.admin().port(), pipeline, registry);
        LOG.info(
            "admin HTTP on http://{}:{}/ (healthz, readyz, metrics)",
            config.admin().host(),
            admin.port());
      } catch (IOException | RuntimeException e) {
        String problem = adminProblem(config, e);
        if (!(source instanceof NdjsonMessageSource)) {
          err.println("cannot start: " + problem);
          err.flush();
          pipeline.close();
          injector.getInstance(Warehouse.class).close();
          registry.close();
          return Main.CONFIG_ERROR;
        }
        // A file run ends by itself and needs no scraping: it goes on without the admin server.
        err.println("warning: " + problem + "; this file run goes on without admin HTTP");
        err.flush();
      }
    }
    long started = System.nanoTime();
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicInteger exitStatus = new AtomicInteger(1);
    Thread hook =
        new Thread(
            () -> {
              LOG.info("stop requested: draining for up to {}", config.pipeline().drainTimeout());
              pipeline.stop(config.pipeline().drainTimeout());
              try {
                if (stopped.await(
                    config.pipeline().drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                  // The JVM would exit 143 (130 on Ctrl-C); a clean drain is a success.
                  Runtime.getRuntime().halt(exitStatus.get());
                }
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
    String failure = null;
    boolean running = false;
    try {
      pipeline.start();
      running = true;
      progress.scheduleAtFixedRate(
          () -> printProgress(out, pipeline.stats(), started), 5, 5, TimeUnit.SECONDS);
      pipeline.finished().toCompletableFuture().get();
    } catch (SourceException e) {
      err.println("cannot start the source: " + e.getMessage());
      status = Main.CONFIG_ERROR;
    } catch (ExecutionException e) {
      failure = e.getCause().getMessage();
      err.println("the run failed: " + failure);
      status = 1;
    } finally {
      err.flush();
      progress.shutdownNow();
      boolean drained = pipeline.stop(config.pipeline().drainTimeout());
      if (!drained && status == 0) {
        status = 1;
      }
      // The pipeline closed the row sink; the warehouse's connections close after it.
      injector.getInstance(Warehouse.class).close();
      if (running) {
        printSummary(
            out,
            config,
            injector.getInstance(Warehouse.class),
            pipeline,
            source,
            started,
            status,
            failure);
      }
      if (admin != null) {
        admin.close();
      }
      // Sends what a push backend (StatsD) still holds.
      registry.close();
      injector.getInstance(TransformStep.class).close();
      exitStatus.set(status);
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it waits for this summary, then exits with the status.
      }
    }
    return status;
  }

  /** One line for an admin server that cannot listen: the key, the cause and the fix. */
  private static String adminProblem(DcpConfig config, Exception e) {
    String where = config.admin().host() + ":" + config.admin().port();
    boolean unresolved =
        new java.net.InetSocketAddress(config.admin().host(), config.admin().port()).isUnresolved();
    boolean inUse =
        e instanceof java.net.BindException
            && e.getMessage() != null
            && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use");
    if (inUse) {
      return "admin.port: "
          + where
          + " is in use (another dcp run?): set admin.port to a free port,"
          + " or admin.enabled: false";
    }
    if (unresolved || e instanceof java.net.BindException) {
      return "admin.host: '"
          + config.admin().host()
          + "' is not an address of this host: use 127.0.0.1 (loopback, the default) or 0.0.0.0"
          + " (every interface)";
    }
    return "admin HTTP cannot listen on " + where + ": " + e + ": check admin.host and admin.port";
  }

  private static void printProgress(PrintWriter out, PipelineStats stats, long started) {
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    out.printf(
        "%s, %,d rows, %,d dead letters, %,.0f rows/s%n",
        messages(stats), stats.rowsWritten(), stats.deadLettered(), stats.rowsWritten() / seconds);
    out.flush();
  }

  /** Distinct messages, with the redeliveries among the deliveries when there were any. */
  private static String messages(PipelineStats stats) {
    return stats.redelivered() == 0
        ? String.format("%,d messages", stats.messages())
        : String.format(
            "%,d messages (%,d deliveries: %,d redelivered)",
            stats.messages(), stats.received(), stats.redelivered());
  }

  private static void printSummary(
      PrintWriter out,
      DcpConfig config,
      Warehouse warehouse,
      IngestPipeline pipeline,
      MessageSource source,
      long started,
      int status,
      String failure) {
    PipelineStats stats = pipeline.stats();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    double seconds = Math.max(1e-3, took.toNanos() / 1e9);
    String how;
    if (failure != null) {
      how = "Failed after";
    } else if (source instanceof NdjsonMessageSource files && !files.finishedReading()) {
      how = "Stopped before the end of the input after";
    } else if (status != 0) {
      how = "Stopped with messages unsettled (nacked for redelivery) after";
    } else {
      how = "Done in";
    }
    out.printf(
        "%n%s %.1f s: %s, %,d rows written (%,.0f rows/s), %,d dead letters, %,d nacked.%n",
        how,
        seconds,
        messages(stats),
        stats.rowsWritten(),
        stats.rowsWritten() / seconds,
        stats.deadLettered(),
        stats.nacked());
    if (source instanceof NdjsonMessageSource files) {
      if (files.skippedLines() > 0) {
        out.printf(
            "Skipped %,d lines an earlier run had already committed.%n", files.skippedLines());
      }
      if (!files.finishedReading() || status != 0) {
        out.printf(
            "The input was not finished: run the same command again to continue where the last"
                + " commit ended%s.%n",
            warehouse.resumesFiles() ? "" : " (with a DuckDB sink; BigQuery starts over)");
      }
    }
    boolean earlierRun = source instanceof NdjsonMessageSource files && files.skippedLines() > 0;
    if (stats.rowsWritten() == 0 && stats.deadLettered() == 0 && !earlierRun) {
      // No table may exist yet: no hint to query it.
      out.flush();
      return;
    }
    String deadLetters =
        config.deadLetter().kind() instanceof DeadLetterType.PubSubTopic
            ? "published to "
                + config.section(PubSubDeadLetterSection.INSTANCE).orElseThrow().topic()
            : "in " + config.deadLetter().table();
    if (!config.table().route().isEmpty()) {
      out.printf(
          "Rows are in the tables %s names (%s when it names none); dead letters %s.%n",
          config.table().route(), config.table().id(), deadLetters);
    } else {
      String table = config.table().id();
      Optional<String> query = warehouse.queryCommand(table);
      out.printf(
          "Rows are in %s; dead letters %s.%s%n",
          warehouse.rowsAt(table),
          deadLetters,
          query
              .map(command -> " Query them with:" + System.lineSeparator() + "  " + command)
              .orElse(""));
    }
    out.flush();
  }
}
