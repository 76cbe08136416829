package io.dcp.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A runner as a child JVM with its own classpath, so that the two runners' dependency trees never
 * meet in one process: the Beam job from runner-beam's build output; {@code dcp.jar} goes through
 * test-servers' {@code DcpProcess}.
 */
final class ChildJvm {
  /** The repository root, seen from this module's folder. */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private ChildJvm() {}

  /**
   * Runs {@code java -cp <runner-beam's classpath> mainClass args} in {@code directory} and fails,
   * with its output, unless it exits 0 within {@code timeout}.
   *
   * @param testClasses whether runner-beam's test classes (the parity harnesses) are on the path
   */
  static void runBeam(
      Path directory,
      boolean testClasses,
      Path log,
      Duration timeout,
      String mainClass,
      String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", beamClasspath(testClasses), mainClass));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(mainClass + " did not exit within " + timeout + ":\n" + read(log));
    }
    assertThat(process.exitValue()).as(() -> read(log)).isZero();
  }

  /** The Beam job's classpath, as runner-beam's build wrote it. */
  private static String beamClasspath(boolean testClasses) throws IOException {
    Path beam = ROOT.resolve("runner-beam/target");
    Path classpathFile = beam.resolve("test-classpath.txt");
    assertThat(classpathFile)
        .as("build it first: ./mvnw -pl runner-beam -am test-compile")
        .exists();
    return (testClasses ? beam.resolve("test-classes") + File.pathSeparator : "")
        + beam.resolve("classes")
        + File.pathSeparator
        + Files.readString(classpathFile).trim();
  }

  /** A child's output so far, for a failure's message. */
  static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
