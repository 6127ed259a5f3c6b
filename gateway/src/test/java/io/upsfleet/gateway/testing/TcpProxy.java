package io.upsfleet.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in the test JVM: every connection accepted on {@link #port()} is relayed byte for
 * byte to a target address. {@link #cut()} makes a network partition: it closes every relayed
 * connection and, until {@link #restore()}, closes each new one as soon as it is accepted, so
 * nothing reaches the target through it. One thread accepts; two relay each connection.
 */
public final class TcpProxy implements AutoCloseable {
  private final String name;
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpProxy(String name, ServerSocket server, InetSocketAddress target) {
    this.name = name;
    this.server = server;
    this.target = target;
  }

  /**
   * Listens on {@code port} of 127.0.0.1 (0 = any free port) and relays to {@code target}.
   *
   * @param name names the proxy's threads
   */
  public static TcpProxy start(String name, int port, InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress("127.0.0.1", port));
    TcpProxy proxy = new TcpProxy(name, server, target);
    Thread acceptor = new Thread(proxy::accept, "proxy-" + name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Closes every relayed connection and refuses to relay new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    open.forEach(TcpProxy::closeQuietly);
  }

  /** Relays new connections again. */
  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    open.forEach(TcpProxy::closeQuietly);
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        upstream.connect(target, 2000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      if (cut) { // cut while connecting
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      relay(client, upstream, "up");
      relay(upstream, client, "down");
    }
  }

  private void relay(Socket from, Socket to, String direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed or the proxy cut it
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "proxy-" + name + "-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
