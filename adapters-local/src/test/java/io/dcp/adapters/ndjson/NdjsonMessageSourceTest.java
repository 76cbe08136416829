package io.dcp.adapters.ndjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.Message;
import io.dcp.core.port.SourceException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonMessageSourceTest {
  @TempDir Path dir;

  /** A source of {@code dir/in.ndjson} that gives a line up after {@code maxAttempts}. */
  private NdjsonMessageSource inNdjson(int maxAttempts) {
    return new NdjsonMessageSource(
        List.of(dir.resolve("in.ndjson").toString()),
        InputStreamOf.empty(),
        Clock.systemUTC(),
        maxAttempts);
  }

  private static void awaitExhausted(NdjsonMessageSource source) throws Exception {
    source.exhausted().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void deliversOneMessagePerNonBlankLineWithStableIdsAndUntouchedBytes() throws Exception {
    byte[] content =
        "{\"a\":1}\r\n\n   \n{\"b\":\u00ff}\n{\"c\":3}".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(dir.resolve("in.ndjson"), content);
    List<Message> received = new CopyOnWriteArrayList<>();
    NdjsonMessageSource source = inNdjson(3);

    source.start(
        (m, ack) -> {
          received.add(m);
          ack.ack();
        });
    awaitExhausted(source);

    assertThat(received)
        .extracting(Message::id)
        .containsExactly("in.ndjson:1", "in.ndjson:4", "in.ndjson:5");
    assertThat(received.get(0).data()).isEqualTo("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(received.get(1).data())
        .isEqualTo(new byte[] {'{', '"', 'b', '"', ':', (byte) 0xff, '}'});
    assertThat(received).allSatisfy(m -> assertThat(m.deliveryAttempt()).isEqualTo(1));
  }

  @Test
  void expandsGlobsInSortedOrderAndReadsStdin() throws Exception {
    Files.writeString(dir.resolve("b.ndjson"), "{\"n\":2}\n");
    Files.writeString(dir.resolve("a.ndjson"), "{\"n\":1}\n");
    Files.writeString(dir.resolve("skip.txt"), "{\"n\":0}\n");
    List<String> ids = new CopyOnWriteArrayList<>();
    NdjsonMessageSource source =
        new NdjsonMessageSource(
            List.of(dir + "/*.ndjson", "-"),
            new ByteArrayInputStream("{\"n\":3}\n".getBytes(StandardCharsets.UTF_8)),
            Clock.systemUTC(),
            3);

    source.start(
        (m, ack) -> {
          ids.add(m.id());
          ack.ack();
        });
    awaitExhausted(source);

    assertThat(ids).containsExactly("a.ndjson:1", "b.ndjson:1", "stdin:1");
  }

  @Test
  void redeliversANackedLineWithItsAttemptCounted() throws Exception {
    Files.writeString(dir.resolve("in.ndjson"), "{\"a\":1}\n");
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    NdjsonMessageSource source = inNdjson(3);

    source.start(
        (m, ack) -> {
          attempts.add(m.deliveryAttempt());
          if (m.deliveryAttempt() < 2) {
            ack.nack();
          } else {
            ack.ack();
          }
        });
    awaitExhausted(source);

    assertThat(attempts).containsExactly(1, 2);
  }

  @Test
  void failsTheRunWhenALineIsNeverStored() throws Exception {
    Files.writeString(dir.resolve("in.ndjson"), "{\"a\":1}\n");
    NdjsonMessageSource source = inNdjson(2);

    source.start((m, ack) -> ack.nack());

    assertThatThrownBy(() -> source.exhausted().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(SourceException.class)
        .hasMessageContaining("1 line(s) could not be stored after 2 attempts; run the file again");
  }

  @Test
  void linesRefusedInTheMomentBeforeAStopAreNotGivenUp() throws Exception {
    // A stopping pipeline refuses (nacks) what it receives until it has stopped its source.
    Files.writeString(dir.resolve("in.ndjson"), "{\"a\":1}\n{\"a\":2}\n");
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    NdjsonMessageSource source = inNdjson(5);
    CountDownLatch refusing = new CountDownLatch(1);

    source.start(
        (m, ack) -> {
          attempts.add(m.deliveryAttempt());
          refusing.countDown();
          ack.nack();
        });
    refusing.await(10, TimeUnit.SECONDS);
    Thread.sleep(100); // the pipeline's refusing moment, drawn out
    source.stop();

    awaitExhausted(source);
    assertThat(attempts).isNotEmpty().allSatisfy(a -> assertThat(a).isLessThan(5));
  }

  @Test
  void namesTheKeyWhenNoFileMatches() {
    NdjsonMessageSource source =
        new NdjsonMessageSource(
            List.of(dir + "/*.json"), InputStreamOf.empty(), Clock.systemUTC(), 2);

    assertThatThrownBy(() -> source.start((m, ack) -> ack.ack()))
        .isInstanceOf(SourceException.class)
        .hasMessage("source.ndjson.paths: no file matches " + dir + "/*.json");
  }

  private List<Message> readAll(NdjsonMessageSource source) throws Exception {
    List<Message> received = new CopyOnWriteArrayList<>();
    source.start(
        (m, ack) -> {
          received.add(m);
          ack.ack();
        });
    awaitExhausted(source);
    return received;
  }

  @Test
  void filesOfOneNameInTwoDirectoriesGetIdsOfTheirPathBelowTheGlobBase() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("a/x.ndjson"), "{\"n\":1}\n");
    Files.writeString(dir.resolve("b/x.ndjson"), "{\"n\":2}\n");

    List<Message> globbed =
        readAll(
            new NdjsonMessageSource(
                List.of(dir + "/*/x.ndjson"), InputStreamOf.empty(), Clock.systemUTC(), 3));
    List<Message> named =
        readAll(
            new NdjsonMessageSource(
                List.of(dir.resolve("a/x.ndjson").toString(), dir.resolve("b/x.ndjson").toString()),
                InputStreamOf.empty(),
                Clock.systemUTC(),
                3));

    assertThat(globbed).extracting(Message::id).containsExactly("a/x.ndjson:1", "b/x.ndjson:1");
    assertThat(named)
        .extracting(Message::id)
        .containsExactly(dir.resolve("a/x.ndjson") + ":1", dir.resolve("b/x.ndjson") + ":1");
  }

  @Test
  void skipsTheLinesAnEarlierRunCommittedOfTheSameFile() throws Exception {
    Path file = dir.resolve("in.ndjson");
    Files.writeString(file, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
    List<String> asked = new CopyOnWriteArrayList<>();
    NdjsonProgress progress =
        (input, fingerprint) -> {
          asked.add(input + " " + fingerprint.substring(0, fingerprint.indexOf(':')));
          java.util.BitSet done = new java.util.BitSet();
          done.set(1);
          done.set(3);
          return done;
        };
    NdjsonMessageSource source =
        new NdjsonMessageSource(
            List.of(file.toString()), InputStreamOf.empty(), Clock.systemUTC(), 3, 1000, progress);

    List<Message> received = readAll(source);

    assertThat(received).extracting(Message::id).containsExactly("in.ndjson:2", "in.ndjson:4");
    assertThat(source.skippedLines()).isEqualTo(2);
    assertThat(source.finishedReading()).isTrue();
    assertThat(asked).containsExactly("in.ndjson 32");
  }

  @Test
  void aLineOverTheLimitIsCutToTheLimitPlusOneByteWithItsLengthInAnAttribute() throws Exception {
    Path file = dir.resolve("in.ndjson");
    Files.writeString(file, "{\"s\":\"" + "x".repeat(200_000) + "\"}\n{\"n\":2}\n");
    NdjsonMessageSource source =
        new NdjsonMessageSource(
            List.of(file.toString()),
            InputStreamOf.empty(),
            Clock.systemUTC(),
            3,
            100,
            NdjsonProgress.none());

    List<Message> received = readAll(source);

    assertThat(received).hasSize(2);
    assertThat(received.get(0).data()).hasSize(101);
    assertThat(received.get(0).attributes())
        .containsExactly(java.util.Map.entry(NdjsonMessageSource.CUT_ATTRIBUTE, "200008"));
    assertThat(received.get(1).data()).isEqualTo("{\"n\":2}".getBytes(StandardCharsets.UTF_8));
    assertThat(received.get(1).attributes()).isEmpty();
  }

  private static final class InputStreamOf {
    static ByteArrayInputStream empty() {
      return new ByteArrayInputStream(new byte[0]);
    }
  }
}
