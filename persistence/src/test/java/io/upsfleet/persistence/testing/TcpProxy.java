package io.upsfleet.persistence.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy for fault tests: put it between a client and a server (for example a gateway node and
 * its PostgreSQL) and make the network between them fail on purpose.
 *
 * <ul>
 *   <li>{@link #cut()}: every open connection is closed and new ones are closed as soon as they are
 *       accepted (the server looks down).
 *   <li>{@link #freeze()}: connections stay open and new ones are accepted, but not a byte is
 *       forwarded in either direction (a frozen host or a dead network path: only time-outs help).
 *   <li>{@link #slow(Duration)}: every chunk of bytes is forwarded after the given delay, in both
 *       directions (a slow link or an overloaded server).
 *   <li>{@link #heal()}: back to forwarding at full speed. Connections a freeze held are closed
 *       rather than flushed: their held bytes never arrive, as after a network that stayed down
 *       longer than the peers' time-outs.
 * </ul>
 *
 * Listens on the loopback interface on a free port ({@link #port()}); plain blocking sockets with
 * two daemon threads per connection. Thread-safe. {@link #close()} closes everything.
 */
public final class TcpProxy implements AutoCloseable {
  private enum Mode {
    PASS,
    CUT,
    FROZEN
  }

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private volatile Mode mode = Mode.PASS;
  private volatile long latencyNanos;
  private volatile boolean closed;

  private TcpProxy(InetAddress listenAddress, int listenPort, String targetHost, int targetPort)
      throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(listenAddress, listenPort), 200);
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a proxy to {@code targetHost:targetPort}, forwarding at full speed.
   *
   * @throws IllegalStateException if no local port could be opened
   */
  public static TcpProxy start(String targetHost, int targetPort) {
    return start(0, targetHost, targetPort);
  }

  /**
   * Starts a proxy listening on {@code listenPort} of the loopback address (0 = any free port),
   * e.g. a node's advertised cluster port, forwarding to {@code targetHost:targetPort}.
   *
   * @throws IllegalStateException if the port could not be opened
   */
  public static TcpProxy start(int listenPort, String targetHost, int targetPort) {
    return start(InetAddress.getLoopbackAddress(), listenPort, targetHost, targetPort);
  }

  /**
   * Starts a proxy listening on {@code listenAddress:listenPort} (0 = any free port), forwarding to
   * {@code targetHost:targetPort}. On Linux every address of 127.0.0.0/8 is a loopback address, so
   * several proxies can share a port on 127.0.0.1, 127.0.0.2…: one per way into the same server.
   *
   * @throws IllegalStateException if the address and port could not be opened
   */
  public static TcpProxy start(
      InetAddress listenAddress, int listenPort, String targetHost, int targetPort) {
    Objects.requireNonNull(listenAddress, "listenAddress");
    Objects.requireNonNull(targetHost, "targetHost");
    try {
      return new TcpProxy(listenAddress, listenPort, targetHost, targetPort);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open proxy port " + listenAddress.getHostAddress() + ":" + listenPort + ": " + e,
          e);
    }
  }

  /** The local port clients connect to, on the address the proxy listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** The number of connections open through the proxy (held ones included). */
  public int openConnections() {
    return links.size();
  }

  /** Closes every connection and refuses new ones until {@link #heal()}. */
  public void cut() {
    setMode(Mode.CUT);
    links.forEach(Link::close);
  }

  /** Holds every connection, open and new, forwarding nothing until {@link #heal()}. */
  public void freeze() {
    synchronized (gate) {
      links.forEach(l -> l.held = true);
      mode = Mode.FROZEN;
    }
  }

  /** Forwards everything after {@code latency}, in both directions, until {@link #heal()}. */
  public void slow(Duration latency) {
    latencyNanos = latency.toNanos();
    setMode(Mode.PASS);
  }

  /** Back to forwarding at full speed; connections a freeze held are closed, not flushed. */
  public void heal() {
    synchronized (gate) {
      latencyNanos = 0;
      links.stream().filter(l -> l.held).forEach(Link::close);
      mode = Mode.PASS;
      gate.notifyAll();
    }
  }

  private void setMode(Mode m) {
    synchronized (gate) {
      mode = m;
      gate.notifyAll();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    links.forEach(Link::close);
    setMode(Mode.CUT);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) return;
        continue;
      }
      Mode now = mode;
      if (now == Mode.CUT) {
        quietly(client);
        continue;
      }
      Link link = new Link(client);
      links.add(link);
      if (now == Mode.FROZEN) {
        link.held = true; // accepted and kept open; nothing goes anywhere
      } else {
        link.start();
      }
    }
  }

  /** Blocks while frozen; false when the link was closed meanwhile. */
  private boolean awaitPassing(Link link) throws InterruptedException {
    synchronized (gate) {
      while (mode == Mode.FROZEN && !link.closed) gate.wait(100);
    }
    if (link.closed || mode == Mode.CUT) return false;
    long latency = latencyNanos;
    if (latency > 0) TimeUnit.NANOSECONDS.sleep(latency);
    return !link.closed;
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  private final class Link {
    private final Socket client;
    private volatile Socket upstream;
    private volatile boolean held;
    private volatile boolean closed;

    Link(Socket client) {
      this.client = client;
    }

    void start() {
      Thread t =
          new Thread(
              () -> {
                try {
                  Socket up = new Socket();
                  upstream = up;
                  up.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                  up.setTcpNoDelay(true);
                  client.setTcpNoDelay(true);
                  Thread back =
                      new Thread(() -> pump(up, client), "tcp-proxy-down-" + client.getPort());
                  back.setDaemon(true);
                  back.start();
                  pump(client, up);
                } catch (IOException e) {
                  close();
                }
              },
              "tcp-proxy-up-" + client.getPort());
      t.setDaemon(true);
      t.start();
    }

    private void pump(Socket from, Socket to) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!awaitPassing(this)) break;
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away: close both
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      close();
    }

    void close() {
      closed = true;
      links.remove(this);
      quietly(client);
      Socket up = upstream;
      if (up != null) quietly(up);
    }
  }
}
