package io.dcp.runner.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The figures of the process-level scenarios, one line each in {@code target/reliability.txt}. */
final class Report {
  private static final Path FILE = Path.of("target/reliability.txt");

  private Report() {}

  /** One delivery scenario's line: what was published and how it ended up. */
  static void delivery(
      String scenario, int published, int rows, int deadLetters, int duplicates, long lost) {
    append(
        "%s | published %,d | rows %,d | dead letters %,d | duplicates %,d | lost %,d"
            .formatted(scenario, published, rows, deadLetters, duplicates, lost));
  }

  static void append(String line) {
    System.out.println(line);
    try {
      Files.writeString(
          FILE,
          line + System.lineSeparator(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
