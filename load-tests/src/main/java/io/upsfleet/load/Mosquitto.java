package io.upsfleet.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker (Debian package) on a free loopback port, persistence off: the pure-broker
 * baseline.
 */
final class Mosquitto implements AutoCloseable {
  private final Process process;
  private final int port;

  private Mosquitto(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Mosquitto start() throws IOException, InterruptedException {
    Path binary = Path.of("/usr/sbin/mosquitto");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("mosquitto is not installed (apt-get install mosquitto)");
    }
    // A port below Linux's ephemeral range: a free ephemeral port can be taken by one of the
    // simulator's own
    // outgoing connections, and a connect to a port nobody listens on can even connect to itself.
    int port = freePortBelowEphemeralRange();
    Path conf = Files.createTempFile("mosquitto", ".conf");
    Path log = Files.createTempFile("mosquitto", ".log");
    Files.writeString(
        conf,
        "listener "
            + port
            + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
            + "max_queued_messages 1000\nlog_type error\n");
    Process p =
        new ProcessBuilder(binary.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        if (p.isAlive()) return new Mosquitto(p, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(
        "mosquitto did not start on port " + port + ": " + Files.readString(log));
  }

  private static int freePortBelowEphemeralRange() throws IOException {
    Random random = new Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000-32000");
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
  }
}
