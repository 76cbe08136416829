package io.dcp.core.ndjson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NdjsonLinesTest {

  /** A line as the tests compare it: number, text, full length. */
  private record Read(long number, String text, long length) {}

  private static List<Read> read(byte[] input, int maxLineBytes, int bufferBytes)
      throws IOException {
    List<Read> lines = new ArrayList<>();
    try (NdjsonLines reader =
        new NdjsonLines(new ByteArrayInputStream(input), maxLineBytes, bufferBytes)) {
      NdjsonLines.Line line;
      while ((line = reader.next()) != null) {
        lines.add(new Read(line.number(), new String(line.bytes(), UTF_8), line.length()));
      }
    }
    return lines;
  }

  private static List<Read> read(String input) throws IOException {
    return read(input.getBytes(UTF_8), NdjsonLines.UNBOUNDED, 64 * 1024);
  }

  @Test
  void dropsTheCarriageReturnOfACrlfLineEndingAndKeepsOthers() throws Exception {
    assertThat(read("{\"a\":1}\r\n{\"b\":\r2}\r\n"))
        .containsExactly(new Read(1, "{\"a\":1}", 7), new Read(2, "{\"b\":\r2}", 8));
  }

  @Test
  void readsTheLastLineWithoutANewline() throws Exception {
    assertThat(read("{\"a\":1}\n{\"b\":2}"))
        .containsExactly(new Read(1, "{\"a\":1}", 7), new Read(2, "{\"b\":2}", 7));
    assertThat(read("{\"a\":1}\n{\"b\":2}\r"))
        .containsExactly(new Read(1, "{\"a\":1}", 7), new Read(2, "{\"b\":2}", 7));
  }

  @Test
  void skipsBlankLinesButCountsThem() throws Exception {
    assertThat(read("\n{\"a\":1}\n \t\r\n\r\n\n{\"b\":2}\n\n"))
        .containsExactly(new Read(2, "{\"a\":1}", 7), new Read(6, "{\"b\":2}", 7));
    assertThat(read("")).isEmpty();
    assertThat(read("\n\n  \n")).isEmpty();
  }

  @Test
  void keepsOneByteMoreThanTheBoundOfALongerLineAndGivesItsLength() throws Exception {
    byte[] input = "{\"a\":1}\n0123456789abcdef\n{\"b\":2}\n".getBytes(UTF_8);
    assertThat(read(input, 10, 64 * 1024))
        .containsExactly(
            new Read(1, "{\"a\":1}", 7),
            new Read(2, "0123456789a", 16),
            new Read(3, "{\"b\":2}", 7));
  }

  @Test
  void aLineOfExactlyTheBoundOrOneMoreIsWhole() throws Exception {
    byte[] input = "0123456789\r\n0123456789a\n".getBytes(UTF_8);
    try (NdjsonLines reader = new NdjsonLines(new ByteArrayInputStream(input), 10)) {
      NdjsonLines.Line first = reader.next();
      NdjsonLines.Line second = reader.next();
      assertThat(first.cut()).isFalse();
      assertThat(new String(first.bytes(), UTF_8)).isEqualTo("0123456789");
      assertThat(second.cut()).isFalse();
      assertThat(second.length()).isEqualTo(11);
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void aCutLineOfBlanksIsStillReturned() throws Exception {
    assertThat(read(" ".repeat(20).getBytes(UTF_8), 4, 8))
        .containsExactly(new Read(1, "     ", 20));
  }

  @Test
  void keepsInvalidUtf8AsBytes() throws Exception {
    byte[] input = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
    try (NdjsonLines reader = new NdjsonLines(new ByteArrayInputStream(input), 100)) {
      assertThat(reader.next().bytes()).isEqualTo(Arrays.copyOf(input, input.length - 1));
      assertThat(reader.next()).isNull();
    }
  }

  /** Every buffer size from one byte up: lines split anywhere read the same. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7, 8, 13, 64})
  void readsTheSameWhateverTheBufferBoundaries(int bufferBytes) throws Exception {
    String input = "{\"a\":1}\r\n\n{\"bb\":22}\n   \n0123456789abcdefghij\r\n{\"c\":3}";
    assertThat(read(input.getBytes(UTF_8), 12, bufferBytes))
        .containsExactly(
            new Read(1, "{\"a\":1}", 7),
            new Read(3, "{\"bb\":22}", 9),
            new Read(5, "0123456789abc", 20),
            new Read(6, "{\"c\":3}", 7));
  }

  @Test
  void neverHoldsMoreOfALongLineThanTheBound() throws Exception {
    long length = 64L * 1024 * 1024;
    InputStream endless =
        new InputStream() {
          long served;

          @Override
          public int read() {
            return served++ < length ? 'x' : served == length + 1 ? '\n' : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (served > length) {
              return -1;
            }
            int n = (int) Math.min(len, length - served);
            if (n == 0) {
              b[off] = '\n';
              served++;
              return 1;
            }
            Arrays.fill(b, off, off + n, (byte) 'x');
            served += n;
            return n;
          }
        };
    try (NdjsonLines reader = new NdjsonLines(endless, 1000)) {
      NdjsonLines.Line line = reader.next();
      assertThat(line.bytes()).hasSize(1001);
      assertThat(line.length()).isEqualTo(length);
      assertThat(line.cut()).isTrue();
      assertThat(reader.next()).isNull();
      assertThat(reader.lineNumber()).isEqualTo(1);
    }
  }

  @Test
  void refusesABoundOutOfRange() {
    InputStream empty = new ByteArrayInputStream(new byte[0]);
    assertThatThrownBy(() -> new NdjsonLines(empty, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLineBytes out of range: 0");
  }
}
