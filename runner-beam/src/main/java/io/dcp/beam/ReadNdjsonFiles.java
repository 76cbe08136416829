package io.dcp.beam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessageWithAttributesAndMessageIdCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Local mode's source: NDJSON files, one message per non-blank line, as the standalone runner's
 * NDJSON source reads them: the bytes of each line untouched (so invalid UTF-8 reaches the mapper
 * and is dead-lettered, which a text reader would have replaced), the id {@code file:line}.
 */
final class ReadNdjsonFiles extends PTransform<PBegin, PCollection<PubsubMessage>> {
  private static final byte NEWLINE = '\n';
  private final String pattern;

  ReadNdjsonFiles(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public PCollection<PubsubMessage> expand(PBegin input) {
    return input
        .apply("Match files", FileIO.match().filepattern(pattern))
        .apply("Open files", FileIO.readMatches())
        .apply("Split lines", ParDo.of(new SplitLinesFn()))
        .setCoder(PubsubMessageWithAttributesAndMessageIdCoder.of());
  }

  /** Emits each non-blank line of a file as a message. */
  static final class SplitLinesFn extends DoFn<FileIO.ReadableFile, PubsubMessage> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<PubsubMessage> out)
        throws IOException {
      String name = file.getMetadata().resourceId().getFilename();
      try (InputStream in = Channels.newInputStream(file.open())) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        byte[] buffer = new byte[64 * 1024];
        int number = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
          int start = 0;
          for (int i = 0; i < n; i++) {
            if (buffer[i] == NEWLINE) {
              line.write(buffer, start, i - start);
              emit(name, ++number, line.toByteArray(), out);
              line.reset();
              start = i + 1;
            }
          }
          line.write(buffer, start, n - start);
        }
        if (line.size() > 0) {
          emit(name, ++number, line.toByteArray(), out);
        }
      }
    }

    private static void emit(
        String name, int number, byte[] bytes, OutputReceiver<PubsubMessage> out) {
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
      for (int i = 0; i < length; i++) {
        if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
          byte[] data = length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
          // Stamped with the time it is read, the publish time of a message from a file.
          out.outputWithTimestamp(
              new PubsubMessage(data, Map.of(), name + ":" + number), Instant.now());
          return;
        }
      }
    }
  }
}
