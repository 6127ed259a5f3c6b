package io.upsfleet.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.load.device.SimulatedModel;
import io.upsfleet.load.device.SimulatedUps;
import io.upsfleet.load.mqtt.DeviceConnection;
import io.upsfleet.load.result.Calibration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * S0's measurements of the machine itself: loopback sockets, PostgreSQL's insert ceiling and a JSON
 * parse (what the simulator and Mosquitto cost is measured as a {@code run} round).
 */
final class Ceilings {
  private Ceilings() {}

  /**
   * Round trips of {@code payloadBytes} (one at a time, echoed by a thread of this JVM), after a
   * tenth as many unmeasured ones; then, for {@code oneWay}, one thread writing each message with
   * its own {@code write} while another reads.
   */
  static Calibration.Loopback loopback(int payloadBytes, int roundTrips, Duration oneWay)
      throws IOException, InterruptedException {
    byte[] message = new byte[payloadBytes];
    Arrays.fill(message, (byte) 'x');
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echo =
          daemon(
              "calibrate-echo",
              () -> {
                try (Socket s = server.accept()) {
                  s.setTcpNoDelay(true);
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  byte[] buf = new byte[payloadBytes];
                  while (in.readNBytes(buf, 0, payloadBytes) == payloadBytes) out.write(buf);
                } catch (IOException closed) {
                  // the client closed
                }
              });
      try (Socket c = new Socket(server.getInetAddress(), server.getLocalPort())) {
        c.setTcpNoDelay(true);
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        byte[] back = new byte[payloadBytes];
        int warm = Math.max(100, roundTrips / 10);
        for (int i = 0; i < warm + roundTrips; i++) {
          long t0 = System.nanoTime();
          out.write(message);
          if (in.readNBytes(back, 0, payloadBytes) != payloadBytes)
            throw new IOException("the echo closed");
          if (i >= warm)
            h.recordValue(Math.min(System.nanoTime() - t0, h.getHighestTrackableValue()));
        }
      }
      echo.join(5000);
    }
    return new Calibration.Loopback(
        payloadBytes,
        h.getTotalCount(),
        Main.round1(h.getValueAtPercentile(50) / 1e3),
        Main.round1(h.getValueAtPercentile(99) / 1e3),
        Math.round(oneWayPerSecond(message, oneWay)));
  }

  private static double oneWayPerSecond(byte[] message, Duration time)
      throws IOException, InterruptedException {
    AtomicLong received = new AtomicLong();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread reader =
          daemon(
              "calibrate-reader",
              () -> {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  byte[] buf = new byte[64 * 1024];
                  int n;
                  while ((n = in.read(buf)) > 0) received.addAndGet(n);
                } catch (IOException closed) {
                  // the writer closed
                }
              });
      long seconds;
      long bytes;
      try (Socket c = new Socket(server.getInetAddress(), server.getLocalPort())) {
        c.setTcpNoDelay(true);
        OutputStream out = c.getOutputStream();
        long warmEnd = System.nanoTime() + time.toNanos() / 4;
        while (System.nanoTime() < warmEnd) out.write(message);
        long start = System.nanoTime();
        long before = received.get();
        long end = start + time.toNanos();
        while (System.nanoTime() < end) out.write(message);
        bytes = received.get() - before;
        seconds = System.nanoTime() - start;
      }
      reader.join(5000);
      return bytes / (double) message.length / (seconds / 1e9);
    }
  }

  /**
   * Rows per second into a TEMP table: {@code singleRows} one by one in autocommit, then {@code
   * batchedRows} in batches of {@code batchSize} ({@code reWriteBatchedInserts=true}), a commit per
   * batch.
   */
  static Calibration.PostgresInserts postgres(
      String url, String user, String password, int singleRows, int batchSize, int batchedRows)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) p.setProperty("password", password);
    p.setProperty("reWriteBatchedInserts", "true");
    String payload = "{\"v\":\"" + "x".repeat(392) + "\"}";
    try (Connection c = DriverManager.getConnection(url, p)) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TEMP TABLE upsfleet_calibration (id bigint, serial text, at timestamptz, "
                + "body text)");
      }
      String insert = "INSERT INTO upsfleet_calibration VALUES (?, ?, ?, ?)";
      c.setAutoCommit(true);
      long t0;
      long single;
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        for (int i = 0; i < Math.min(200, singleRows); i++)
          row(ps, -i - 1, payload).executeUpdate();
        t0 = System.nanoTime();
        for (int i = 0; i < singleRows; i++) row(ps, i, payload).executeUpdate();
        single = System.nanoTime() - t0;
      }
      c.setAutoCommit(false);
      long batched;
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        t0 = System.nanoTime();
        for (int i = 0; i < batchedRows; i++) {
          row(ps, i, payload).addBatch();
          if ((i + 1) % batchSize == 0 || i == batchedRows - 1) {
            ps.executeBatch();
            c.commit();
          }
        }
        batched = System.nanoTime() - t0;
      }
      int query = url.indexOf('?');
      return new Calibration.PostgresInserts(
          query < 0 ? url : url.substring(0, query), // parameters may hold a password
          singleRows,
          Math.round(singleRows / (single / 1e9)),
          batchSize,
          batchedRows,
          Math.round(batchedRows / (batched / 1e9)));
    }
  }

  private static PreparedStatement row(PreparedStatement ps, long id, String payload)
      throws SQLException {
    ps.setLong(1, id);
    ps.setString(2, "CAL" + id);
    ps.setTimestamp(3, Timestamp.from(Instant.now()));
    ps.setString(4, payload);
    return ps;
  }

  /**
   * Nanoseconds per {@code readTree} of the simulator's telemetry payload, over {@code time} after
   * {@code warmup} of the same.
   */
  static Calibration.JsonParse json(Duration warmup, Duration time) throws IOException {
    ObjectMapper json = new ObjectMapper();
    SimulatedUps ups =
        new SimulatedUps("AS2350123456", SimulatedModel.RANGE.get(3), 1, SimulatedUps.Faults.NONE);
    byte[] payload = DeviceConnection.telemetryPayload(ups, Instant.now(), 1234);
    long sink = parse(json, payload, warmup.toNanos())[1];
    long[] measured = parse(json, payload, time.toNanos());
    if (sink + measured[1] == 42)
      System.out.print(""); // keeps the parses from being optimised away
    return new Calibration.JsonParse(
        payload.length, measured[0], Main.round1(measured[2] / (double) measured[0]));
  }

  /** Parses for {@code nanos}: {count, a figure of the parsed trees, the nanoseconds taken}. */
  private static long[] parse(ObjectMapper json, byte[] payload, long nanos) throws IOException {
    long start = System.nanoTime();
    long end = start + nanos;
    long count = 0;
    long sink = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 100; i++) {
        JsonNode tree = json.readTree(payload);
        sink += tree.size();
      }
      count += 100;
    }
    return new long[] {count, sink, System.nanoTime() - start};
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
