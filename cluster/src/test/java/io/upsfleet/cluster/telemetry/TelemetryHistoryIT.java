package io.upsfleet.cluster.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.persistence.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The history writer against a real PostgreSQL: downsampling, batches, the bounded queue, reads,
 * purge.
 */
class TelemetryHistoryIT {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static HikariDataSource dataSource;
  private static ExecutorService jdbcThreads;
  private static Jdbc jdbc;

  @BeforeAll
  static void start() {
    dataSource = TestDatabases.migrated("TelemetryHistoryIT");
    jdbcThreads = Executors.newFixedThreadPool(2);
    jdbc = new Jdbc(dataSource, jdbcThreads);
  }

  @AfterAll
  static void stop() {
    jdbcThreads.shutdownNow();
    dataSource.close();
  }

  private static TelemetryHistory history(int capacity, int batch) {
    return new TelemetryHistory(
        jdbc,
        new TelemetryHistorySettings(
            Duration.ofMinutes(1),
            Duration.ofDays(30),
            capacity,
            batch,
            Duration.ofSeconds(1),
            Duration.ofHours(1)),
        Clock.fixed(T0, ZoneOffset.UTC));
  }

  private static Telemetry sample(Instant at, double load) {
    return new Telemetry(
        at,
        at,
        1,
        EnumSet.of(StatusFlag.OL, StatusFlag.CHRG),
        new TreeMap<>(Map.of("ups.load", load, "battery.charge", 97.0, "input.voltage", 229.5)),
        new TreeMap<>(),
        false);
  }

  private static long rows(String serial) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM telemetry_history WHERE serial = '" + serial + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void keepsAtMostOnePointPerDevicePerIntervalAndReadsThemBackInOrder() throws Exception {
    TelemetryHistory h = history(1000, 7);
    String serial = "HISTORDER001";
    for (int s = 0; s < 300; s += 10)
      h.offer(serial, sample(T0.plusSeconds(s), s)); // 5 minutes, every 10 s
    assertEquals(5, h.queued());
    assertEquals(5, h.flush().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(5, rows(serial));

    List<TelemetryHistory.Point> points =
        h.read(serial, T0.minusSeconds(60), T0.plusSeconds(600), 1440)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(points)
        .extracting(TelemetryHistory.Point::at)
        .containsExactly(
            T0, T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
    TelemetryHistory.Point first = points.get(0);
    assertEquals(0.0, first.load());
    assertEquals(97.0, first.charge());
    assertEquals(229.5, first.inputVoltage());
    assertEquals(null, first.runtime());
    assertEquals("OL CHRG", first.status());
    assertEquals(60.0, points.get(1).load(), "the first sample of each interval is kept");

    // At most maxPoints: every k-th point, still in order.
    assertThat(
            h.read(serial, T0, T0.plusSeconds(600), 2)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .extracting(TelemetryHistory.Point::at)
        .containsExactly(T0, T0.plusSeconds(180));
  }

  @Test
  void aFullQueueDropsAndCountsWithoutBlocking() throws Exception {
    TelemetryHistory h = history(10, 500);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    CountDownLatch done = new CountDownLatch(1);
    // 50 devices offering at once into a queue of 10: offer must return at once, never wait for the
    // database.
    caller.execute(
        () -> {
          for (int i = 0; i < 50; i++) h.offer(String.format("HISTDROP%04d", i), sample(T0, i));
          done.countDown();
        });
    assertTrue(done.await(5, TimeUnit.SECONDS), "offer blocked");
    caller.shutdown();
    assertEquals(10, h.queued());
    assertEquals(40, h.dropped());
    assertFalse(h.offer("HISTDROP9999", sample(T0, 1)), "still full: dropped");
    assertEquals(41, h.dropped());

    assertEquals(10, h.flush().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(0, h.queued());
    assertTrue(h.offer("HISTDROP9998", sample(T0, 1)), "room again after a flush");
  }

  @Test
  void writesLargeBacklogsInBatchesAndIgnoresDuplicates() throws Exception {
    TelemetryHistory h = history(5000, 500);
    for (int i = 0; i < 1200; i++) h.offer(String.format("HISTBATCH%03d", i), sample(T0, i));
    assertEquals(1200, h.flush().toCompletableFuture().get(30, TimeUnit.SECONDS));
    // Another node (another writer) writing the same interval of a device stores nothing twice.
    TelemetryHistory other = history(10, 10);
    other.offer("HISTBATCH000", sample(T0.plusSeconds(30), 99));
    other.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1, rows("HISTBATCH000"));
    assertEquals(
        0.0,
        h.read("HISTBATCH000", T0, T0.plusSeconds(60), 10)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .get(0)
            .load());
  }

  @Test
  void purgeDeletesPointsOlderThanTheCutOffOnly() throws Exception {
    TelemetryHistory h = history(100, 100);
    String serial = "HISTPURGE001";
    h.offer(serial, sample(T0.minus(Duration.ofDays(40)), 1));
    h.offer(serial, sample(T0.minus(Duration.ofDays(1)), 2));
    h.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(
            h.purgeBefore(T0.minus(Duration.ofDays(30)))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .isGreaterThanOrEqualTo(1);
    assertEquals(1, rows(serial));
  }
}
