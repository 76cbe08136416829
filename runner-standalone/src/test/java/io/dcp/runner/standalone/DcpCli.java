package io.dcp.runner.standalone;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** The {@code dcp} command line run in the test's JVM, its status and both outputs captured. */
final class DcpCli {
  private DcpCli() {}

  /** What one {@code dcp} invocation gave: the exit status and what it printed on each stream. */
  record Result(int status, String out, String err) {}

  /** Runs {@code dcp args...} as {@code Main} would, without exiting the JVM. */
  static Result dcp(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  /** Runs {@code dcp} with {@code args}. */
  static Result dcp(List<String> args) {
    return dcp(args.toArray(String[]::new));
  }
}
