package io.dcp.adapters.ndjson;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Message;
import io.dcp.core.ndjson.NdjsonLines;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.ReceiveGate;
import io.dcp.core.port.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads newline-delimited JSON from files (glob patterns) or standard input: one message per
 * non-blank line, bytes passed on untouched (invalid UTF-8 included: the mapper dead-letters it).
 *
 * <p>A message's id is {@code <name>:<line number>}, where the name of a file matched by a glob is
 * its path below the glob's base ({@code data/**}{@code /*.ndjson} names {@code data/a/x.ndjson}
 * {@code a/x.ndjson}), of a file named without a glob its file name, and of two inputs that would
 * share a name their paths as given; stdin is {@code stdin}. Ids are stable across runs of the same
 * paths, so a re-run redelivers the same ids and the dedup window can drop them.
 *
 * <p>With an {@link NdjsonProgress} (a DuckDB sink), lines an earlier run committed are skipped: a
 * rerun after a stop or a crash continues where the last commit ended. A line longer than {@code
 * maxLineBytes} is never held whole: its first {@code maxLineBytes + 1} bytes are delivered (so the
 * mapper dead-letters it as too large) with attribute {@value #CUT_ATTRIBUTE} giving its length.
 *
 * <p>A file cannot be asked to redeliver, so the source does it itself: a nacked line is delivered
 * again (its delivery attempt counted) until {@code maxAttempts}; past that it is logged as lost to
 * this run and the run ends with a failure, so the operator knows to run the file again. The input
 * is exhausted once every line was handed over and none is waiting for redelivery.
 */
public final class NdjsonMessageSource implements MessageSource {
  private static final Logger LOG = LoggerFactory.getLogger(NdjsonMessageSource.class);

  /** The attribute of a message cut from a longer line: the line's length in bytes. */
  public static final String CUT_ATTRIBUTE = NdjsonLines.CUT_ATTRIBUTE;

  private final List<String> patterns;
  private final InputStream stdin;
  private final Clock clock;
  private final int maxAttempts;
  private final int maxLineBytes;
  private final NdjsonProgress progress;
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean finishedReading;
  private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
  private final DelayQueue<Redelivery> redeliveries = new DelayQueue<>();
  private final AtomicInteger unsettled = new AtomicInteger();
  private final AtomicInteger givenUp = new AtomicInteger();
  private volatile boolean stopped;
  private final ReceiveGate gate = new ReceiveGate();
  private Thread reader;

  /**
   * @param patterns file paths or glob patterns ({@code data/*.ndjson}); {@code -} reads {@code
   *     stdin}
   * @param stdin the stream {@code -} stands for
   * @param maxAttempts deliveries of one line before it is given up for this run
   */
  public NdjsonMessageSource(
      List<String> patterns, InputStream stdin, Clock clock, int maxAttempts) {
    this(patterns, stdin, clock, maxAttempts, NdjsonLines.UNBOUNDED, NdjsonProgress.none());
  }

  /**
   * @param maxLineBytes longer lines are cut to their first {@code maxLineBytes + 1} bytes
   * @param progress what earlier runs committed, to skip
   */
  public NdjsonMessageSource(
      List<String> patterns,
      InputStream stdin,
      Clock clock,
      int maxAttempts,
      int maxLineBytes,
      NdjsonProgress progress) {
    this.patterns = List.copyOf(patterns);
    this.stdin = requireNonNull(stdin, "stdin");
    this.clock = requireNonNull(clock, "clock");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    if (maxLineBytes < 1 || maxLineBytes > NdjsonLines.UNBOUNDED) {
      throw new IllegalArgumentException("maxLineBytes out of range: " + maxLineBytes);
    }
    this.maxAttempts = maxAttempts;
    this.maxLineBytes = maxLineBytes;
    this.progress = requireNonNull(progress, "progress");
  }

  /** Lines skipped because an earlier run committed them. */
  public long skippedLines() {
    return skipped.get();
  }

  /** Whether every input was read to its end (false after a stop, or before the end). */
  public boolean finishedReading() {
    return finishedReading;
  }

  @Override
  public void start(MessageReceiver receiver) throws SourceException {
    List<NdjsonInput> inputs = NdjsonInput.expand(patterns);
    Map<String, BitSet> committed = new java.util.HashMap<>();
    for (NdjsonInput input : inputs) {
      if (!input.path().equals("-")) {
        committed.put(input.name(), progress.committedLines(input.name(), input.fingerprint()));
      }
    }
    reader =
        new Thread(
            () -> {
              try {
                for (NdjsonInput input : inputs) {
                  if (stopped) {
                    break;
                  }
                  if (input.path().equals("-")) {
                    read(input.name(), stdin, new BitSet(), receiver);
                  } else {
                    try (InputStream in = Files.newInputStream(Path.of(input.path()))) {
                      read(input.name(), in, committed.get(input.name()), receiver);
                    }
                  }
                }
                finishedReading = !stopped;
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

  private void read(String name, InputStream in, BitSet committed, MessageReceiver receiver)
      throws IOException, InterruptedException {
    NdjsonLines lines = new NdjsonLines(in, maxLineBytes);
    NdjsonLines.Line line;
    while (!stopped && (line = lines.next()) != null) {
      long number = line.number();
      if (number <= Integer.MAX_VALUE && committed.get((int) number)) {
        skipped.incrementAndGet();
      } else {
        deliverLine(name, line, receiver);
      }
      drainReady(receiver);
    }
  }

  private void deliverLine(String name, NdjsonLines.Line line, MessageReceiver receiver)
      throws InterruptedException {
    Map<String, String> attributes = Map.of();
    if (line.cut()) {
      attributes = Map.of(CUT_ATTRIBUTE, Long.toString(line.length()));
      LOG.warn(
          "{}:{} is {} bytes, over mapping.maxPayloadBytes: only its first {} bytes are kept",
          name,
          line.number(),
          line.length(),
          line.bytes().length);
    }
    deliver(
        new Message(name + ":" + line.number(), line.bytes(), attributes, clock.instant(), "", 1),
        receiver);
  }

  private void deliver(Message message, MessageReceiver receiver) throws InterruptedException {
    if (!gate.enter()) {
      return; // stopped: a rerun reads the line again
    }
    try {
      unsettled.incrementAndGet();
      receive(message, receiver);
    } finally {
      gate.exit();
    }
  }

  private void receive(Message message, MessageReceiver receiver) throws InterruptedException {
    receiver.receive(
        message,
        new Acknowledger() {
          @Override
          public void ack() {
            unsettled.decrementAndGet();
          }

          @Override
          public void nack() {
            if (stopped) {
              // Not stored in this run: a rerun reads it again (with DuckDB, it resumes here).
              unsettled.decrementAndGet();
              return;
            }
            if (message.deliveryAttempt() >= maxAttempts) {
              LOG.error(
                  "{} was not stored after {} attempts; giving it up for this run",
                  message.id(),
                  maxAttempts);
              givenUp.incrementAndGet();
              unsettled.decrementAndGet();
              return;
            }
            redeliveries.add(
                new Redelivery(message.withDeliveryAttempt(message.deliveryAttempt() + 1)));
            unsettled.decrementAndGet();
          }
        });
  }

  /** Redelivers the nacked lines whose pause is over. */
  private void drainReady(MessageReceiver receiver) throws InterruptedException {
    Redelivery again;
    while ((again = redeliveries.poll()) != null && !stopped) {
      deliver(again.message(), receiver);
    }
  }

  /** After the last line: redeliver nacked lines until all settle or are given up. */
  private void drainRedeliveries(MessageReceiver receiver) throws InterruptedException {
    while (!stopped) {
      Redelivery again = redeliveries.poll(50, TimeUnit.MILLISECONDS);
      if (again != null) {
        deliver(again.message(), receiver);
      } else if (unsettled.get() == 0 && redeliveries.isEmpty()) {
        return;
      }
    }
  }

  /**
   * A nacked line, due again after a pause that grows with its attempts (50 ms per attempt, at most
   * 1 s): a sink that just failed is not hammered, and the nacks of a pipeline that refuses
   * messages in the moment before it stops this source cannot use up a line's attempts.
   */
  private record Redelivery(Message message, long dueNanos) implements Delayed {
    Redelivery(Message message) {
      this(
          message,
          System.nanoTime()
              + TimeUnit.MILLISECONDS.toNanos(
                  Math.min(1000, 50L * (message.deliveryAttempt() - 1))));
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  @Override
  public CompletionStage<Void> exhausted() {
    return exhausted;
  }

  /** Stops reading; returns once the reader is out of its last {@code receive} call. */
  @Override
  public void stop() {
    stopped = true;
    gate.close();
  }

  @Override
  public void close() {
    stopped = true;
    if (reader != null) {
      reader.interrupt();
    }
    gate.close();
  }
}
