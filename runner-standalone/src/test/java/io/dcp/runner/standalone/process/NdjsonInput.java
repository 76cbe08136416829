package io.dcp.runner.standalone.process;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

/** Writes the large NDJSON inputs of the file-source process tests line by line. */
public final class NdjsonInput {
  private NdjsonInput() {}

  /** Writes lines {@code 1} to {@code count} of {@code line} to {@code file}, each ended by \n. */
  public static Path write(Path file, int count, IntFunction<String> line) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (int i = 1; i <= count; i++) {
        out.write(line.apply(i));
        out.write('\n');
      }
    }
    return file;
  }
}
