package io.dcp.benchmarks.http;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load: {@code clients} threads, each on one keep-alive connection, send the same
 * request, wait for its whole answer and send the next, for a warm-up and then a measured duration.
 * Raw sockets rather than an HTTP client library, so that the generator's own cost stays small next
 * to the server's.
 */
final class HttpLoadGenerator {
  private final InetSocketAddress target;
  private final byte[] request;

  /** {@code request} is one whole HTTP/1.1 request, headers and body. */
  HttpLoadGenerator(InetSocketAddress target, byte[] request) {
    this.target = requireNonNull(target, "target");
    this.request = request.clone();
  }

  /** A {@code GET path} request. */
  static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A {@code POST path} request with a JSON body. */
  static byte[] post(String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] whole = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, whole, head.length, body.length);
    return whole;
  }

  /** What one run measured. */
  record Result(
      int clients, long requests, long notOk, double seconds, double p50Millis, double p99Millis) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%3d clients  %,9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  (%,d requests, %,d not 200)",
          clients,
          requestsPerSecond(),
          p50Millis,
          p99Millis,
          requests,
          notOk);
    }
  }

  /** Runs {@code clients} closed-loop clients for {@code warmUp}, then for {@code duration}. */
  Result run(int clients, Duration warmUp, Duration duration) throws InterruptedException {
    long startNanos = System.nanoTime();
    long measureFrom = startNanos + warmUp.toNanos();
    long endAt = measureFrom + duration.toNanos();
    List<Client> all = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      Client client = new Client(measureFrom, endAt, done);
      all.add(client);
      Thread thread = new Thread(client, "load-" + i);
      thread.setDaemon(true);
      thread.start();
    }
    done.await();
    long count = 0;
    long notOk = 0;
    for (Client c : all) {
      if (c.failure != null) {
        throw new IllegalStateException("a client failed: " + c.failure, c.failure);
      }
      count += c.count;
      notOk += c.notOk.get();
    }
    long[] latencies = new long[(int) count];
    int at = 0;
    for (Client c : all) {
      System.arraycopy(c.latencies, 0, latencies, at, c.count);
      at += c.count;
    }
    Arrays.sort(latencies);
    return new Result(
        clients,
        count,
        notOk,
        duration.toNanos() / 1e9,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99));
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  private final class Client implements Runnable {
    private final long measureFrom;
    private final long endAt;
    private final CountDownLatch done;
    private final AtomicLong notOk = new AtomicLong();
    private long[] latencies = new long[1 << 12];
    private int count;
    private volatile Exception failure;

    Client(long measureFrom, long endAt, CountDownLatch done) {
      this.measureFrom = measureFrom;
      this.endAt = endAt;
      this.done = done;
    }

    @Override
    public void run() {
      try (Socket socket = new Socket()) {
        socket.setTcpNoDelay(true);
        socket.connect(target);
        socket.setSoTimeout(60_000);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        InputStream in = new BufferedInputStream(socket.getInputStream());
        long now = System.nanoTime();
        while (now < endAt) {
          out.write(request);
          out.flush();
          int status = readResponse(in);
          long end = System.nanoTime();
          // Only requests sent and answered inside the measured window count.
          if (now >= measureFrom) {
            record(end - now);
            if (status != 200) {
              notOk.incrementAndGet();
            }
          }
          now = end;
        }
      } catch (IOException | RuntimeException e) {
        failure = e;
      } finally {
        done.countDown();
      }
    }

    private void record(long nanos) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }
  }

  /** Reads one response with a Content-Length body; returns its status code. */
  static int readResponse(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int status = -1;
    long length = 0;
    while (true) {
      line.setLength(0);
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("connection closed by the server");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      if (line.length() == 0) {
        break;
      }
      String text = line.toString();
      if (status < 0) {
        status = Integer.parseInt(text.substring(9, 12));
      } else if (text.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Long.parseLong(text.substring(15).trim());
      }
    }
    for (long left = length; left > 0; ) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed in a response body");
        }
        skipped = 1;
      }
      left -= skipped;
    }
    return status;
  }
}
