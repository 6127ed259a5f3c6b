package io.upsfleet.gateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Free TCP ports for node processes and proxies. */
public final class FreePorts {
  private FreePorts() {}

  /**
   * {@code count} groups of {@code each} distinct free ports (all held open while choosing), below
   * the kernel's ephemeral range: a client that retries the port of the killed node must get
   * "connection refused", never a TCP self-connect to an ephemeral source port that happens to
   * equal it (it would wait for a CONNACK from itself), and no other process is handed these ports
   * in the meantime.
   */
  public static int[][] freePorts(int count, int each) throws IOException {
    int ephemeralLow = 32768;
    try {
      ephemeralLow =
          Integer.parseInt(
              Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                  .trim()
                  .split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the usual default
    }
    int from = 10_000;
    int to = Math.max(from + 1000, ephemeralLow);
    Random random = new Random();
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[][] ports = new int[count][each];
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < each; j++) {
          for (int attempt = 0; ; attempt++) {
            int candidate = from + random.nextInt(to - from);
            try {
              ServerSocket s = new ServerSocket();
              s.bind(new InetSocketAddress("127.0.0.1", candidate));
              held.add(s);
              ports[i][j] = candidate;
              break;
            } catch (IOException inUse) {
              if (attempt > 1000) throw inUse;
            }
          }
        }
      }
      return ports;
    } finally {
      for (ServerSocket s : held) s.close();
    }
  }
}
