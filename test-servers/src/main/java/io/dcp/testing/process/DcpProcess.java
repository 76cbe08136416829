package io.dcp.testing.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code dcp.jar} run as a separate process, as an operator runs it: for the process
 * tests of runner-standalone and parity and for the benchmarks that measure a real {@code dcp run}.
 */
public final class DcpProcess {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path log;
  private final int adminPort;
  private Duration lastStopTook = Duration.ZERO;

  private DcpProcess(Process process, Path log, int adminPort) {
    this.process = process;
    this.log = log;
    this.adminPort = adminPort;
  }

  /**
   * Starts {@link #packagedJar}'s {@code dcp run --config config}, output appended to {@code log}.
   *
   * @param adminPort the admin HTTP port the config sets, or 0 when admin is off
   */
  public static DcpProcess start(Path config, Path log, int adminPort, String... jvmOptions)
      throws IOException {
    return start(packagedJar(), config, log, adminPort, List.of(jvmOptions));
  }

  /**
   * Starts {@code java jvmOptions -jar jar run --config config}, output appended to {@code log}.
   *
   * @param adminPort the admin HTTP port the config sets, or 0 when admin is off
   */
  public static DcpProcess start(
      Path jar, Path config, Path log, int adminPort, List<String> jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new DcpProcess(process, log, adminPort);
  }

  /**
   * runner-standalone's {@code target/dcp.jar}, found from the repository root (benchmarks) or from
   * a module's folder (the tests); fails with how to build it when it is missing.
   */
  public static Path packagedJar() {
    for (Path root : List.of(Path.of("."), Path.of(".."))) {
      Path jar = root.resolve("runner-standalone/target/dcp.jar").normalize();
      if (Files.isReadable(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException(
        "runner-standalone/target/dcp.jar not found: build it first with"
            + " ./mvnw -pl runner-standalone -am package -DskipTests");
  }

  /** Returns a TCP port free on loopback now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Whether {@code GET http://127.0.0.1:port/path} answers 200 now; false when nothing listens. */
  public static boolean answers(int port, String path) {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The exit status of a process that ended. */
  public int exitValue() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The operating system's id of the process. */
  public long pid() {
    return process.pid();
  }

  /** Waits for a process that ends by itself; false when it still runs after {@code wait}. */
  public boolean waitFor(Duration wait) throws InterruptedException {
    return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no drain, no shutdown hook, as a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGKILL for each of {@code processes} still running; null ones were never started. */
  public static void killIfAlive(DcpProcess... processes) throws InterruptedException {
    for (DcpProcess process : processes) {
      if (process != null && process.isAlive()) {
        process.kill();
      }
    }
  }

  /**
   * SIGTERM, as systemd or Kubernetes sends it; waits for the exit.
   *
   * @return the exit status: 0 after a clean drain, 1 when messages were left unsettled
   */
  public int terminate(Duration wait) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("dcp did not exit within " + wait + " of SIGTERM");
    }
    lastStopTook = Duration.ofNanos(System.nanoTime() - start);
    return process.exitValue();
  }

  /** How long the last {@link #terminate} took from the signal to the exit. */
  public Duration stopTook() {
    return lastStopTook;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** Reads a counter or gauge from the Prometheus endpoint, summed over its labels. */
  public double metric(String name) throws IOException, InterruptedException {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    Matcher m =
        Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
            .matcher(body);
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  /** Waits for {@code condition}; fails with dcp's output if it dies or time runs out. */
  public void await(BooleanSupplier condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            (process.isAlive() ? "timed out" : "dcp exited") + ":\n" + tail(log()));
      }
      Thread.sleep(20);
    }
  }

  private static String tail(String text) {
    return text.length() < 8_000 ? text : text.substring(text.length() - 8_000);
  }
}
