package io.dcp.adapters.ndjson;

import io.dcp.core.port.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One input of {@link NdjsonMessageSource}: the file to read ({@code -} for stdin) and the name its
 * message ids start with; and how the source's path patterns expand to inputs.
 *
 * @param path the file, or {@code -}
 * @param name the name message ids start with
 */
record NdjsonInput(String path, String name) {
  private static final int FINGERPRINT_BYTES = 4096;

  /**
   * Expands the patterns to files, sorted, each with its name (see {@link NdjsonMessageSource});
   * stdin stays {@code -}.
   */
  static List<NdjsonInput> expand(List<String> patterns) throws SourceException {
    List<NdjsonInput> inputs = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern.equals("-")) {
        inputs.add(new NdjsonInput("-", "stdin"));
        continue;
      }
      if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")) {
        if (!Files.isReadable(Path.of(pattern))) {
          throw new SourceException(
              "source.ndjson.paths: cannot read " + pattern + ": check the path");
        }
        inputs.add(new NdjsonInput(pattern, Path.of(pattern).getFileName().toString()));
        continue;
      }
      Path base = globBase(pattern);
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      try (Stream<Path> files = Files.walk(base)) {
        List<NdjsonInput> matched =
            files
                .filter(Files::isRegularFile)
                .map(p -> base.toString().equals(".") ? base.relativize(p) : p)
                .filter(matcher::matches)
                .sorted()
                .map(p -> new NdjsonInput(p.toString(), relativeName(base, p)))
                .toList();
        if (matched.isEmpty()) {
          throw new SourceException("source.ndjson.paths: no file matches " + pattern);
        }
        inputs.addAll(matched);
      } catch (IOException e) {
        throw new SourceException(
            "source.ndjson.paths: cannot list " + base + ": " + e.getMessage(), e);
      }
    }
    Map<String, Long> names =
        inputs.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    NdjsonInput::name, java.util.stream.Collectors.counting()));
    List<NdjsonInput> unique = new ArrayList<>(inputs.size());
    for (NdjsonInput input : inputs) {
      unique.add(
          names.get(input.name()) > 1 && !input.path().equals("-")
              ? new NdjsonInput(input.path(), Path.of(input.path()).normalize().toString())
              : input);
    }
    return unique;
  }

  private static String relativeName(Path base, Path file) {
    Path relative = base.toString().equals(".") ? file : base.relativize(file);
    return relative.normalize().toString().replace('\\', '/');
  }

  /** The directory before the first segment with a glob character. */
  private static Path globBase(String pattern) {
    Path path = Path.of(pattern);
    Path base = path.getRoot();
    for (Path segment : path) {
      String text = segment.toString();
      if (text.contains("*") || text.contains("?") || text.contains("[") || text.contains("{")) {
        break;
      }
      base = base == null ? segment : base.resolve(segment);
    }
    return base == null ? Path.of(".") : base;
  }

  /** The first bytes of the file, hashed: a file replaced under the same name is not resumed. */
  String fingerprint() throws SourceException {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      byte[] head = in.readNBytes(FINGERPRINT_BYTES);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(head);
      return head.length + ":" + HexFormat.of().formatHex(digest);
    } catch (IOException e) {
      throw new SourceException(
          "source.ndjson.paths: cannot read " + path + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
