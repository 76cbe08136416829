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

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
