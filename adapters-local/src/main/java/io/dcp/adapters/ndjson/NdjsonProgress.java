package io.dcp.adapters.ndjson;

import io.dcp.core.port.SourceException;
import java.util.BitSet;

/**
 * What earlier runs committed of each NDJSON file, so that a rerun skips those lines: the sink that
 * commits a line's rows (or its dead letter) records the line in the same transaction.
 */
@FunctionalInterface
public interface NdjsonProgress {

  /**
   * Returns the line numbers of {@code input} committed so far, and from now on records the lines
   * of {@code input} committed; none when {@code fingerprint} differs from the one recorded with
   * them (another file under the same name).
   *
   * @param input the name message ids of the file start with
   * @param fingerprint identifies the file's content (its first bytes)
   */
  BitSet committedLines(String input, String fingerprint) throws SourceException;

  /** No resume: every run reads every line. */
  static NdjsonProgress none() {
    return (input, fingerprint) -> new BitSet();
  }
}
