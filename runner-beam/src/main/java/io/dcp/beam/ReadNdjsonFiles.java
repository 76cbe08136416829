package io.dcp.beam;

import io.dcp.core.ndjson.NdjsonLines;
import java.io.IOException;
import java.nio.channels.Channels;
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
 * Local mode's source: NDJSON files, one message per non-blank line, read by the {@link
 * NdjsonLines} the standalone runner's NDJSON source reads with: the bytes of each line untouched
 * (so invalid UTF-8 reaches the mapper and is dead-lettered, which a text reader would have
 * replaced), the id {@code file:line}.
 */
final class ReadNdjsonFiles extends PTransform<PBegin, PCollection<PubsubMessage>> {
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

  /** Emits each non-blank line of a file as a message, read with {@link NdjsonLines}. */
  static final class SplitLinesFn extends DoFn<FileIO.ReadableFile, PubsubMessage> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<PubsubMessage> out)
        throws IOException {
      String name = file.getMetadata().resourceId().getFilename();
      try (NdjsonLines lines =
          new NdjsonLines(Channels.newInputStream(file.open()), NdjsonLines.UNBOUNDED)) {
        NdjsonLines.Line line;
        while ((line = lines.next()) != null) {
          // Stamped with the time it is read, the publish time of a message from a file.
          out.outputWithTimestamp(
              new PubsubMessage(line.bytes(), Map.of(), name + ":" + line.number()), Instant.now());
        }
      }
    }
  }
}
