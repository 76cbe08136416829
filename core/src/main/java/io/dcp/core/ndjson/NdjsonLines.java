package io.dcp.core.ndjson;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-delimited JSON as lines of raw bytes, the one reader every user of NDJSON shares
 * (the NDJSON source, {@code dcp validate --sample}, {@code dcp schema infer}, Beam's local mode).
 *
 * <p>A line ends at {@code \n}; a {@code \r} before it is dropped, any other {@code \r} is kept.
 * The bytes are never decoded, so invalid UTF-8 reaches the caller as it is in the file. Lines of
 * only spaces, tabs and {@code \r} are skipped, but counted, so a line's number is always its line
 * in the file (1-based). A line longer than {@code maxLineBytes} is never held whole: only its
 * first {@code maxLineBytes + 1} bytes are kept (one more than the bound, so a size check
 * downstream refuses it) and {@link Line#length} gives its full length.
 *
 * <p>Not thread-safe: one reader per stream, read from one thread. Closing it closes the stream.
 */
public final class NdjsonLines implements Closeable {
  /** The largest {@code maxLineBytes}: lines are then bounded only by what an array can hold. */
  public static final int UNBOUNDED = Integer.MAX_VALUE - 9;

  /**
   * The attribute that marks a message cut from a longer line; its value is the line's length in
   * bytes.
   */
  public static final String CUT_ATTRIBUTE = "dcp_line_bytes";

  private static final int BUFFER_BYTES = 64 * 1024;

  private final InputStream in;
  private final int keep;
  private final byte[] buffer;
  private int position;
  private int limit;
  private long lineNumber;
  private byte[] partial = new byte[0];
  private int partialBytes;

  /** One line of the input. */
  public record Line(long number, byte[] bytes, long length) {
    /**
     * @param number the line's 1-based number in the input
     * @param bytes the line without its line ending; only its first {@code maxLineBytes + 1} bytes
     *     when it is longer
     * @param length the line's full length in bytes, without its line ending
     */
    public Line {
      requireNonNull(bytes, "bytes");
      if (number < 1 || length < bytes.length) {
        throw new IllegalArgumentException("line " + number + " of " + length + " bytes");
      }
    }

    /** Whether only the first bytes of a longer line are held. */
    public boolean cut() {
      return length > bytes.length;
    }
  }

  /** Reads {@code in} in 64 KiB reads; lines of up to {@code maxLineBytes} are held whole. */
  public NdjsonLines(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, BUFFER_BYTES);
  }

  NdjsonLines(InputStream in, int maxLineBytes, int bufferBytes) {
    this.in = requireNonNull(in, "in");
    if (maxLineBytes < 1 || maxLineBytes > UNBOUNDED) {
      throw new IllegalArgumentException("maxLineBytes out of range: " + maxLineBytes);
    }
    this.keep = maxLineBytes + 1;
    this.buffer = new byte[bufferBytes];
  }

  /**
   * Returns the next line that is not blank, or {@code null} at the end of the input.
   *
   * @throws IOException when the stream cannot be read
   */
  public Line next() throws IOException {
    Line line;
    while ((line = nextLine()) != null) {
      if (line.cut() || !isBlank(line.bytes())) {
        return line;
      }
    }
    return null;
  }

  /** The number of the last line read, blank or not; 0 before the first. */
  public long lineNumber() {
    return lineNumber;
  }

  private Line nextLine() throws IOException {
    long length = 0;
    byte last = 0;
    partialBytes = 0;
    while (true) {
      if (position == limit && !fill()) {
        if (length == 0) {
          return null;
        }
        return line(-1, -1, length, last); // the last line, without a newline
      }
      int newline = indexOfNewline();
      int end = newline < 0 ? limit : newline;
      int start = position;
      length += end - start;
      if (end > start) {
        last = buffer[end - 1];
      }
      position = newline < 0 ? limit : newline + 1;
      if (newline >= 0) {
        return line(start, end, length, last);
      }
      hold(start, end);
    }
  }

  /**
   * The line whose last piece is {@code buffer[start, end)} (none when {@code start < 0}), after
   * what {@link #hold} kept of it.
   */
  private Line line(int start, int end, long length, byte last) {
    lineNumber++;
    long content = last == '\r' ? length - 1 : length;
    int held = (int) Math.min(content, keep);
    byte[] bytes;
    if (partialBytes == 0 && start >= 0) {
      bytes = Arrays.copyOfRange(buffer, start, start + held);
    } else {
      if (start >= 0) {
        hold(start, end);
      }
      bytes = Arrays.copyOf(partial, Math.min(held, partialBytes));
      if (partial.length > BUFFER_BYTES) {
        partial = new byte[0]; // a long line's room is not kept for the short ones after it
      }
    }
    return new Line(lineNumber, bytes, content);
  }

  /** Keeps what the line may still hold of {@code buffer[start, end)}. */
  private void hold(int start, int end) {
    int room = Math.min(end - start, keep - partialBytes);
    if (room <= 0) {
      return;
    }
    if (partialBytes + room > partial.length) {
      int grown = (int) Math.min(keep, Math.max(512L, 2L * (partialBytes + room)));
      partial = Arrays.copyOf(partial, grown);
    }
    System.arraycopy(buffer, start, partial, partialBytes, room);
    partialBytes += room;
  }

  private int indexOfNewline() {
    for (int i = position; i < limit; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private boolean fill() throws IOException {
    int n;
    do {
      n = in.read(buffer, 0, buffer.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
