package io.dcp.runner.standalone;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Sends each StatsD line to the agent as one UDP packet, on the caller's thread, from the first
 * line on: the line sink of Micrometer's StatsD registry, so that nothing recorded before an
 * asynchronous channel is up is lost (a short run, a file replayed in a second, reports every
 * count). As with any StatsD client, a packet the network drops is gone, and sending never blocks
 * or fails the pipeline: a failed send is logged once.
 *
 * <p>Thread-safe. Lives as long as the registry, for the whole process.
 */
final class UdpLineSink implements Consumer<String> {
  private static final System.Logger LOG = System.getLogger(UdpLineSink.class.getName());

  private final String host;
  private final int port;
  private final DatagramSocket socket;
  private final AtomicBoolean warned = new AtomicBoolean();
  private volatile InetSocketAddress agent;

  UdpLineSink(String host, int port) {
    this.host = requireNonNull(host, "host");
    this.port = port;
    try {
      this.socket = new DatagramSocket();
    } catch (SocketException e) {
      throw new UncheckedIOException("cannot open a UDP socket for StatsD", e);
    }
  }

  @Override
  public void accept(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    try {
      socket.send(new DatagramPacket(bytes, bytes.length, agent()));
    } catch (IOException | IllegalArgumentException e) {
      if (warned.compareAndSet(false, true)) {
        LOG.log(
            Level.WARNING,
            "cannot send metrics to the StatsD agent at {0}:{1}: {2} (said once)",
            host,
            Integer.toString(port),
            e.toString());
      }
    }
  }

  /** The agent's address, looked up again while its name does not resolve (a starting agent). */
  private InetSocketAddress agent() {
    InetSocketAddress known = agent;
    if (known == null || known.isUnresolved()) {
      known = new InetSocketAddress(host, port);
      agent = known;
    }
    return known;
  }
}
