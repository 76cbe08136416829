package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.testing.process.DcpProcess;
import io.dcp.testing.process.DuckDbRunConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A huge line in a small heap: a dead letter, and an exhausted heap ends the process. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MemoryIT {
  private static final int FIFTY_MB = 50 * 1024 * 1024;

  @TempDir Path dir;
  DcpProcess dcp;
  Path input;
  Path db;

  @BeforeEach
  void writeInput() throws Exception {
    input = dir.resolve("big.ndjson");
    byte[] filler = new byte[1024 * 1024];
    Arrays.fill(filler, (byte) 'x');
    try (OutputStream out = Files.newOutputStream(input)) {
      out.write("{\"symbol\":\"A\"}\n{\"symbol\":\"".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < FIFTY_MB / filler.length; i++) {
        out.write(filler);
      }
      out.write("\"}\n{\"symbol\":\"C\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    db = dir.resolve("big.duckdb");
  }

  @AfterEach
  void stop() throws Exception {
    DcpProcess.killIfAlive(dcp);
  }

  private Path config(String... mappingOptions) throws Exception {
    Path schema =
        Files.writeString(
            dir.resolve("schema.json"),
            "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"message_id\",\"type\":\"STRING\"}]");
    DuckDbRunConfig config =
        DuckDbRunConfig.fromFile(input, db, schema).withColumn("message_id", "metadata:message_id");
    for (String option : mappingOptions) {
      config = config.withMappingOption(option);
    }
    return config.writeTo(dir);
  }

  @Test
  void aFiftyMegabyteLineIsADeadLetterInA256MegabyteHeap() throws Exception {
    Path log = dir.resolve("dcp.log");
    long started = System.nanoTime();
    dcp = DcpProcess.start(config(), log, 0, "-Xmx256m");
    dcp.await(() -> !dcp.isAlive(), Duration.ofMinutes(3));
    String out = Files.readString(log);
    Report.append(
        "huge line: a 50 MiB line with -Xmx256m, maxPayloadBytes 10 MiB: exit %d in %.1f s, a decode dead letter of its first 10,485,761 bytes"
            .formatted(dcp.exitValue(), (System.nanoTime() - started) / 1e9));

    assertThat(out).contains("Done in").contains("3 messages, 2 rows written");
    assertThat(out).doesNotContain("OutOfMemoryError");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
        ResultSet dead =
            c.createStatement()
                .executeQuery(
                    "SELECT message_id, errorMessage, octet_length(payloadBytes),"
                        + " attributes[1].key, attributes[1].value FROM dead_letters")) {
      assertThat(dead.next()).isTrue();
      assertThat(dead.getString(1)).isEqualTo("big.ndjson:2");
      assertThat(dead.getString(2))
          .isEqualTo("decode: payload is 10485761 bytes, over the limit of 10485760");
      assertThat(dead.getLong(3)).isEqualTo(10_485_761L);
      assertThat(dead.getString(4)).isEqualTo("dcp_line_bytes");
      assertThat(dead.getString(5)).isEqualTo(Integer.toString(FIFTY_MB + 13));
      assertThat(dead.next()).isFalse();
    }
  }

  @Test
  void runningOutOfMemoryEndsTheProcessWithOneLineAndStatusThree() throws Exception {
    Path log = dir.resolve("dcp.log");
    dcp =
        DcpProcess.start(
            config("maxPayloadBytes: 200000000"), log, 0, "-Xmx48m", "-XX:TieredStopAtLevel=1");
    dcp.await(() -> !dcp.isAlive(), Duration.ofMinutes(3));
    String out = Files.readString(log);
    Report.append(
        "out of memory: a 50 MiB line with -Xmx48m, maxPayloadBytes 200 MB: exit %d, %,d bytes of output"
            .formatted(dcp.exitValue(), out.length()));

    assertThat(dcp.exitValue()).as(out).isEqualTo(3);
    assertThat(out)
        .contains("dcp ran out of memory in thread")
        .contains("Give the JVM more heap (-Xmx)")
        .doesNotContain("Done in");
  }
}
