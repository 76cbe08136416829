package io.dcp.runner.standalone;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dcp} command line. */
@Command(
    name = "dcp",
    mixinStandardHelpOptions = true,
    version = "dcp 0.1.0",
    description = "Ingests JSON messages into a warehouse, with every rejected message kept.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      ReplayCommand.class,
      SchemaCommand.class,
      QueryCommand.class
    })
public final class Main {

  /** Exit status of a configuration problem. */
  static final int CONFIG_ERROR = 2;

  /** Exit status when the heap ran out: the process ends rather than live on half-dead. */
  static final int OUT_OF_MEMORY = 3;

  public static void main(String[] args) {
    Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  /**
   * Ends the process on an {@link OutOfMemoryError} in any thread: a writer thread that died of it
   * would leave a process that reports progress and moves nothing. Nothing unsettled is lost: what
   * was not acked is redelivered (a file run resumes where its last commit ended).
   */
  private static void uncaught(Thread thread, Throwable error) {
    if (error instanceof OutOfMemoryError || error.getCause() instanceof OutOfMemoryError) {
      System.err.println(
          "dcp ran out of memory in thread "
              + thread.getName()
              + " ("
              + error.getMessage()
              + "): stopping. Give the JVM more heap (-Xmx), or lower mapping.maxPayloadBytes"
              + " and pipeline.maxInFlightBytes");
      System.err.flush();
      Runtime.getRuntime().halt(OUT_OF_MEMORY);
    }
    System.err.println("Exception in thread \"" + thread.getName() + "\" " + error);
    error.printStackTrace();
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
