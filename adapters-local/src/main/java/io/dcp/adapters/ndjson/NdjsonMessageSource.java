package io.dcp.adapters.ndjson;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.SourceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads newline-delimited JSON from files (glob patterns) or standard input: one message per
 * non-blank line, bytes passed on untouched (invalid UTF-8 included: the mapper dead-letters it).
 *
 * <p>A message's id is {@code <file name>:<line number>}, stable across runs, so a re-run of the
 * same files redelivers the same ids and the dedup window can drop them. A file cannot be asked to
 * redeliver, so the source does it itself: a nacked line is delivered again (its delivery attempt
 * counted) until {@code maxAttempts}; past that it is logged as lost to this run and the run ends
 * with a failure, so the operator knows to run the file again. The input is exhausted once every
 * line was handed over and none is waiting for redelivery.
 */
public final class NdjsonMessageSource implements MessageSource {
  private static final Logger LOG = LoggerFactory.getLogger(NdjsonMessageSource.class);
  private static final int NEWLINE = '\n';

  private final List<String> patterns;
  private final InputStream stdin;
  private final Clock clock;
  private final int maxAttempts;
  private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
  private final BlockingQueue<Message> redeliveries = new LinkedBlockingQueue<>();
  private final AtomicInteger unsettled = new AtomicInteger();
  private final AtomicInteger givenUp = new AtomicInteger();
  private volatile boolean stopped;
  private Thread reader;

  /**
   * @param patterns file paths or glob patterns ({@code data/*.ndjson}); {@code -} reads {@code
   *     stdin}
   * @param stdin the stream {@code -} stands for
   * @param maxAttempts deliveries of one line before it is given up for this run
   */
  public NdjsonMessageSource(
      List<String> patterns, InputStream stdin, Clock clock, int maxAttempts) {
    this.patterns = List.copyOf(patterns);
    this.stdin = requireNonNull(stdin, "stdin");
    this.clock = requireNonNull(clock, "clock");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
  }

  /** Expands the patterns to files, sorted; stdin stays {@code -}. */
  static List<String> expand(List<String> patterns) throws SourceException {
    List<String> inputs = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern.equals("-")) {
        inputs.add("-");
        continue;
      }
      if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")) {
        if (!Files.isReadable(Path.of(pattern))) {
          throw new SourceException(
              "source.ndjson.paths: cannot read " + pattern + ": check the path");
        }
        inputs.add(pattern);
        continue;
      }
      Path base = globBase(pattern);
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      try (Stream<Path> files = Files.walk(base)) {
        List<String> matched =
            files
                .filter(Files::isRegularFile)
                .map(p -> base.toString().equals(".") ? base.relativize(p) : p)
                .filter(matcher::matches)
                .map(Path::toString)
                .sorted()
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
    return inputs;
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

  @Override
  public void start(MessageReceiver receiver) throws SourceException {
    List<String> inputs = expand(patterns);
    reader =
        new Thread(
            () -> {
              try {
                for (String input : inputs) {
                  if (stopped) {
                    break;
                  }
                  if (input.equals("-")) {
                    read("stdin", stdin, receiver);
                  } else {
                    try (InputStream in = Files.newInputStream(Path.of(input))) {
                      read(Path.of(input).getFileName().toString(), in, receiver);
                    }
                  }
                }
                drainRedeliveries(receiver);
                if (givenUp.get() > 0) {
                  exhausted.completeExceptionally(
                      new SourceException(
                          givenUp.get()
                              + " line(s) could not be stored after "
                              + maxAttempts
                              + " attempts; run the file again"));
                } else {
                  exhausted.complete(null);
                }
              } catch (IOException e) {
                exhausted.completeExceptionally(
                    new SourceException("reading NDJSON failed: " + e.getMessage(), e));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "dcp-ndjson-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(String name, InputStream in, MessageReceiver receiver)
      throws IOException, InterruptedException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    byte[] buffer = new byte[64 * 1024];
    int lineNumber = 0;
    int n;
    while ((n = in.read(buffer)) > 0 && !stopped) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] == NEWLINE) {
          line.write(buffer, start, i - start);
          lineNumber++;
          deliverLine(name, lineNumber, line.toByteArray(), receiver);
          line.reset();
          start = i + 1;
        }
      }
      line.write(buffer, start, n - start);
      drainReady(receiver);
    }
    if (line.size() > 0 && !stopped) {
      deliverLine(name, ++lineNumber, line.toByteArray(), receiver);
    }
  }

  private void deliverLine(String name, int number, byte[] bytes, MessageReceiver receiver)
      throws InterruptedException {
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    if (isBlank(bytes, length)) {
      return;
    }
    byte[] data = length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
    deliver(new Message(name + ":" + number, data, Map.of(), clock.instant(), "", 1), receiver);
  }

  private void deliver(Message message, MessageReceiver receiver) throws InterruptedException {
    unsettled.incrementAndGet();
    receiver.receive(
        message,
        new Acknowledger() {
          @Override
          public void ack() {
            unsettled.decrementAndGet();
          }

          @Override
          public void nack() {
            if (message.deliveryAttempt() >= maxAttempts) {
              LOG.error(
                  "{} was not stored after {} attempts; giving it up for this run",
                  message.id(),
                  maxAttempts);
              givenUp.incrementAndGet();
              unsettled.decrementAndGet();
              return;
            }
            redeliveries.add(message.withDeliveryAttempt(message.deliveryAttempt() + 1));
            unsettled.decrementAndGet();
          }
        });
  }

  private void drainReady(MessageReceiver receiver) throws InterruptedException {
    Message again;
    while ((again = redeliveries.poll()) != null && !stopped) {
      deliver(again, receiver);
    }
  }

  /** After the last line: redeliver nacked lines until all settle or are given up. */
  private void drainRedeliveries(MessageReceiver receiver) throws InterruptedException {
    while (!stopped) {
      Message again = redeliveries.poll(50, TimeUnit.MILLISECONDS);
      if (again != null) {
        // A short pause so a sink that just failed is not hammered.
        Thread.sleep(Math.min(1000, 50L * again.deliveryAttempt()));
        deliver(again, receiver);
      } else if (unsettled.get() == 0 && redeliveries.isEmpty()) {
        return;
      }
    }
  }

  private static boolean isBlank(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  @Override
  public CompletionStage<Void> exhausted() {
    return exhausted;
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public void close() {
    stopped = true;
    if (reader != null) {
      reader.interrupt();
    }
  }
}
