package io.upsfleet.persistence.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
  private ServerSocket echo;
  private TcpProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread c =
                      new Thread(
                          () -> {
                            try (s) {
                              s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException e) {
                              // client gone
                            }
                          });
                  c.setDaemon(true);
                  c.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(2000);
    return s;
  }

  private static int roundTrip(Socket s, int b) throws IOException {
    s.getOutputStream().write(b);
    s.getOutputStream().flush();
    return s.getInputStream().read();
  }

  @Test
  void forwardsBothWays() throws IOException {
    try (Socket s = connect()) {
      assertEquals(7, roundTrip(s, 7));
      assertEquals(8, roundTrip(s, 8));
    }
  }

  @Test
  void proxiesOnTwoLoopbackAddressesShareAPortAndAreCutApart() throws IOException {
    InetAddress second = InetAddress.getByName("127.0.0.2");
    try (TcpProxy other = TcpProxy.start(second, proxy.port(), "127.0.0.1", echo.getLocalPort());
        Socket viaFirst = connect();
        Socket viaSecond = new Socket(second, proxy.port())) {
      viaSecond.setSoTimeout(2000);
      assertEquals(3, roundTrip(viaSecond, 3));
      other.cut();
      assertEquals(-1, viaSecond.getInputStream().read(), "the cut proxy's connection is closed");
      assertEquals(4, roundTrip(viaFirst, 4), "the proxy on 127.0.0.1 still forwards");
    }
  }

  @Test
  void aCutClosesOpenConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
    try (Socket open = connect()) {
      assertEquals(1, roundTrip(open, 1));
      proxy.cut();
      assertThrowsOrEof(() -> roundTrip(open, 2));
    }
    try (Socket refused = connect()) {
      assertThrowsOrEof(() -> roundTrip(refused, 3));
    }
    proxy.heal();
    try (Socket healed = connect()) {
      assertEquals(4, roundTrip(healed, 4));
    }
  }

  @Test
  void aFreezeHoldsConnectionsWithoutForwardingAndHealDropsThem() throws IOException {
    try (Socket open = connect()) {
      assertEquals(1, roundTrip(open, 1));
      proxy.freeze();
      open.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, () -> roundTrip(open, 2));
      try (Socket fresh = connect()) {
        fresh.setSoTimeout(500);
        assertThrows(SocketTimeoutException.class, () -> roundTrip(fresh, 3));
        proxy.heal();
        fresh.setSoTimeout(2000);
        assertEquals(-1, readOrEof(fresh), "a held connection is closed, its bytes never sent");
      }
      open.setSoTimeout(2000);
      assertEquals(-1, readOrEof(open));
    }
    try (Socket healed = connect()) {
      assertEquals(5, roundTrip(healed, 5));
    }
  }

  @Test
  void slowStillForwardsEverything() throws IOException {
    proxy.slow(Duration.ofMillis(100));
    try (Socket s = connect()) {
      assertEquals(9, roundTrip(s, 9));
    }
    proxy.heal();
  }

  private interface Io {
    int run() throws IOException;
  }

  /** The call fails or reads end-of-stream: the connection is gone. */
  private static void assertThrowsOrEof(Io io) {
    try {
      assertEquals(-1, io.run());
    } catch (IOException expected) {
      // reset or closed: gone as well
    }
  }

  private static int readOrEof(Socket s) {
    try {
      InputStream in = s.getInputStream();
      return in.read();
    } catch (IOException e) {
      return -1;
    }
  }
}
