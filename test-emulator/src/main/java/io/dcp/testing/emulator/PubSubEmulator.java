package io.dcp.testing.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Google's Pub/Sub emulator (Debian package {@code google-cloud-cli-pubsub-emulator}) as a child
 * process on a free loopback port, for tests that want Google's own implementation as the judge.
 *
 * <p>The emulator's jar is found from {@code PUBSUB_EMULATOR_JAR}, then from the Cloud SDK's usual
 * install roots ({@code CLOUDSDK_ROOT_DIR}, {@code /usr/lib/google-cloud-sdk}, {@code
 * /usr/share/google-cloud-sdk}, {@code ~/google-cloud-sdk}). It serves gRPC and REST on the same
 * port; {@link #hostPort()} is what {@code PUBSUB_EMULATOR_HOST} takes.
 */
public final class PubSubEmulator implements AutoCloseable {

  /** What to tell a user whose machine has no emulator. */
  public static final String HOW_TO_INSTALL =
      "Google's Pub/Sub emulator is not installed: apt-get install google-cloud-cli-pubsub-emulator"
          + " (Google's Cloud SDK apt repository), or `gcloud components install pubsub-emulator`,"
          + " or set PUBSUB_EMULATOR_JAR to its cloud-pubsub-emulator-*-all.jar";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;

  private PubSubEmulator(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The emulator's jar on this machine, if it has one. */
  public static Optional<Path> findJar() {
    List<Path> roots = new ArrayList<>();
    String explicit = System.getenv("PUBSUB_EMULATOR_JAR");
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit)).filter(Files::isRegularFile);
    }
    String sdkRoot = System.getenv("CLOUDSDK_ROOT_DIR");
    if (sdkRoot != null && !sdkRoot.isBlank()) {
      roots.add(Path.of(sdkRoot));
    }
    roots.add(Path.of("/usr/lib/google-cloud-sdk"));
    roots.add(Path.of("/usr/share/google-cloud-sdk"));
    roots.add(Path.of(System.getProperty("user.home"), "google-cloud-sdk"));
    for (Path root : roots) {
      Path lib = root.resolve("platform/pubsub-emulator/lib");
      if (!Files.isDirectory(lib)) {
        continue;
      }
      try (Stream<Path> files = Files.list(lib)) {
        Optional<Path> jar =
            files
                .filter(f -> f.getFileName().toString().matches("cloud-pubsub-emulator-.*\\.jar"))
                .sorted()
                .reduce((first, second) -> second);
        if (jar.isPresent()) {
          return jar;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.empty();
  }

  /** Whether this machine has the emulator. */
  public static boolean isInstalled() {
    return findJar().isPresent();
  }

  /**
   * Starts the emulator on a free loopback port and returns once it answers.
   *
   * @throws IllegalStateException if it is not installed or does not come up within a minute
   */
  public static PubSubEmulator start() {
    Path jar = findJar().orElseThrow(() -> new IllegalStateException(HOW_TO_INSTALL));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    IOException lastFailure = null;
    // A free port can be taken between probing and binding; a second port settles it.
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      try {
        Path log = Files.createTempFile("pubsub-emulator-" + port + "-", ".log");
        Process process =
            new ProcessBuilder(
                    java, "-Xmx512m", "-jar", jar.toString(), "--host=127.0.0.1", "--port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PubSubEmulator emulator = new PubSubEmulator(process, port, log);
        if (emulator.awaitReady()) {
          return emulator;
        }
        emulator.close();
        lastFailure = new IOException("emulator did not start; its log: " + emulator.logText());
      } catch (IOException e) {
        lastFailure = e;
      }
    }
    throw new IllegalStateException("could not start Google's Pub/Sub emulator", lastFailure);
  }

  /** {@code 127.0.0.1:PORT}, the form {@code PUBSUB_EMULATOR_HOST} takes. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /** The port, for gRPC and REST alike. */
  public int port() {
    return port;
  }

  /** The REST root, {@code http://127.0.0.1:PORT}. */
  public String restRoot() {
    return "http://" + hostPort();
  }

  /** What the emulator printed so far, for a failing test's message. */
  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Whether the emulator process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  private boolean awaitReady() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        return false;
      }
      if (answers()) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private boolean answers() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create(restRoot() + "/v1/projects/dcp-probe/topics").toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(2_000);
      int status = connection.getResponseCode();
      connection.disconnect();
      return status == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the emulator and waits for it to exit. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }
}
