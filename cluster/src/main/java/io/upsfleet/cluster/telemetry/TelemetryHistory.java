package io.upsfleet.cluster.telemetry;

import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.TelemetryVariable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downsampled telemetry history of every device. {@link #offer} keeps at most one point per
 * device per interval (stamped with the start of the interval, from the server's receive time) and
 * puts it in a bounded queue without ever blocking: when the queue is full the point is dropped and
 * counted in {@link #dropped()}. {@link #flush()} writes queued points on the JDBC executor in
 * multi-row batches ({@code INSERT … ON CONFLICT DO NOTHING}, so a point written twice, e.g. by two
 * nodes after a takeover, is stored once). Points lost to a failed write are counted in {@link
 * #failed()}: the history is a convenience, the entity's persisted facts are the record.
 * Thread-safe.
 */
public final class TelemetryHistory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TelemetryHistory.class);
  private static final int PURGE_CHUNK = 10_000;
  private static final String INSERT =
      "INSERT INTO telemetry_history (serial, at, load, charge, runtime,"
          + " battery_temperature, input_voltage, output_voltage, status, battery_date)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (serial, at) DO NOTHING";

  /**
   * One point of the history; a null value was not in the sample. {@code batteryDate} (the reported
   * {@code battery.date}) is written for the reports and not read back by {@link #read}.
   */
  public record Point(
      String serial,
      Instant at,
      Double load,
      Double charge,
      Double runtime,
      Double batteryTemperature,
      Double inputVoltage,
      Double outputVoltage,
      String status,
      LocalDate batteryDate) {

    static Point of(String serial, Instant at, Telemetry t) {
      return new Point(
          serial,
          at,
          t.number(TelemetryVariable.UPS_LOAD),
          t.number(TelemetryVariable.BATTERY_CHARGE),
          t.number(TelemetryVariable.BATTERY_RUNTIME),
          t.number(TelemetryVariable.BATTERY_TEMPERATURE),
          t.number(TelemetryVariable.INPUT_VOLTAGE),
          t.number(TelemetryVariable.OUTPUT_VOLTAGE),
          StatusFlag.render(t.status()),
          batteryDate(t.text(TelemetryVariable.BATTERY_DATE)));
    }

    private static LocalDate batteryDate(String reported) {
      if (reported == null) return null;
      try {
        return LocalDate.parse(reported); // validated at the edge; a bad one is simply not kept
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  private final Jdbc jdbc;
  private final TelemetryHistorySettings settings;
  private final Clock clock;
  private final long intervalMillis;
  private final ArrayBlockingQueue<Point> queue;

  /**
   * The last interval each device got a point for; entries older than the previous interval are
   * swept.
   */
  private final ConcurrentHashMap<String, Long> lastSlot = new ConcurrentHashMap<>();

  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicReference<CompletableFuture<Integer>> running =
      new AtomicReference<>(CompletableFuture.completedFuture(0));
  private final List<Cancellable> timers = new ArrayList<>();
  private volatile long sweptSlot;

  public TelemetryHistory(Jdbc jdbc, TelemetryHistorySettings settings, Clock clock) {
    this.jdbc = jdbc;
    this.settings = settings;
    this.clock = clock;
    this.intervalMillis = settings.interval().toMillis();
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
  }

  /** Creates the history and schedules its flushes and purges on {@code system}'s scheduler. */
  public static TelemetryHistory start(
      ActorSystem<?> system, Jdbc jdbc, TelemetryHistorySettings settings, Clock clock) {
    TelemetryHistory h = new TelemetryHistory(jdbc, settings, clock);
    var ec = system.executionContext();
    h.timers.add(
        system
            .scheduler()
            .scheduleWithFixedDelay(
                settings.flushInterval(), settings.flushInterval(), h::tick, ec));
    h.timers.add(
        system
            .scheduler()
            .scheduleWithFixedDelay(
                Duration.ofMinutes(1), settings.purgeInterval(), h::purgeQuietly, ec));
    return h;
  }

  /**
   * Takes an accepted sample of {@code serial}. Never blocks: returns at once whether a point was
   * queued (false when this device already has a point for the sample's interval, or when the queue
   * is full, which is counted in {@link #dropped()}).
   */
  public boolean offer(String serial, Telemetry sample) {
    long slot = Math.floorDiv(sample.receivedAt().toEpochMilli(), intervalMillis);
    Long previous = lastSlot.get(serial);
    if (previous != null && previous >= slot) return false;
    boolean claimed =
        previous == null
            ? lastSlot.putIfAbsent(serial, slot) == null
            : lastSlot.replace(serial, previous, slot);
    if (!claimed) return false; // a concurrent sample of the same device took this interval
    if (queue.offer(Point.of(serial, Instant.ofEpochMilli(slot * intervalMillis), sample)))
      return true;
    dropped.incrementAndGet();
    return false;
  }

  /** Points dropped because the queue was full, since start. */
  public long dropped() {
    return dropped.get();
  }

  /** Points lost because their batch could not be written, since start. */
  public long failed() {
    return failed.get();
  }

  /** Points handed to the database, since start (including ones it already held). */
  public long written() {
    return written.get();
  }

  /** Points waiting to be written. */
  public int queued() {
    return queue.size();
  }

  /**
   * Writes every queued point, in batches, on the JDBC executor; completes with the number of
   * points sent. When a flush is already running this one starts after it.
   */
  public CompletionStage<Integer> flush() {
    while (true) {
      CompletableFuture<Integer> previous = running.get();
      if (!previous.isDone()) return previous.handle((n, e) -> null).thenCompose(x -> flush());
      CompletableFuture<Integer> next = new CompletableFuture<>();
      if (running.compareAndSet(previous, next)) {
        jdbc.run(this::drain)
            .whenComplete(
                (n, e) -> {
                  if (e != null) next.completeExceptionally(e);
                  else next.complete(n);
                });
        return next;
      }
    }
  }

  /**
   * The points of {@code serial} in {@code [from, to)}, oldest first. When there are more than
   * {@code maxPoints}, every k-th is returned (k chosen so that at most {@code maxPoints} remain).
   */
  public CompletionStage<List<Point>> read(String serial, Instant from, Instant to, int maxPoints) {
    if (maxPoints < 1) throw new IllegalArgumentException("maxPoints must be positive");
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT at, load, charge, runtime, battery_temperature, input_voltage, output_voltage, status FROM ("
                      + " SELECT h.*, row_number() OVER (ORDER BY at) AS rn, count(*) OVER () AS n"
                      + " FROM telemetry_history h WHERE serial = ? AND at >= ? AND at < ?) s"
                      + " WHERE (rn - 1) % ((n + ? - 1) / ?) = 0 ORDER BY at")) {
            ps.setString(1, serial);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            ps.setLong(4, maxPoints);
            ps.setLong(5, maxPoints);
            List<Point> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Point(
                        serial,
                        rs.getTimestamp(1).toInstant(),
                        real(rs, 2),
                        real(rs, 3),
                        real(rs, 4),
                        real(rs, 5),
                        real(rs, 6),
                        real(rs, 7),
                        rs.getString(8),
                        null));
              }
            }
            return out;
          }
        });
  }

  /**
   * Deletes points older than {@code before}, a chunk at a time; completes with the number deleted.
   */
  public CompletionStage<Integer> purgeBefore(Instant before) {
    return jdbc.run(
        c -> {
          int total = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM telemetry_history WHERE ctid = ANY(ARRAY("
                      + "SELECT ctid FROM telemetry_history WHERE at < ? LIMIT "
                      + PURGE_CHUNK
                      + "))")) {
            ps.setTimestamp(1, Timestamp.from(before));
            int n;
            do {
              n = ps.executeUpdate();
              total += n;
            } while (n == PURGE_CHUNK);
          }
          return total;
        });
  }

  /** Stops the timers and writes what is queued (waiting at most {@code timeout}). */
  public void close(Duration timeout) {
    timers.forEach(Cancellable::cancel);
    try {
      flush().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn(
          "telemetry history: {} points not written at shutdown: {}", queue.size(), e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /**
   * The scheduled flush: skipped while one runs; also forgets devices silent for more than an
   * interval.
   */
  void tick() {
    long now = Math.floorDiv(clock.millis(), intervalMillis);
    if (now != sweptSlot) {
      sweptSlot = now;
      lastSlot.values().removeIf(slot -> slot < now - 1);
    }
    if (queue.isEmpty() || !running.get().isDone()) return;
    flush()
        .whenComplete(
            (n, e) -> {
              if (e != null)
                log.warn("telemetry history: a batch could not be written: {}", e.toString());
            });
  }

  private void purgeQuietly() {
    purgeBefore(clock.instant().minus(settings.retention()))
        .whenComplete(
            (n, e) -> {
              if (e != null) log.warn("telemetry history: purge failed: {}", e.toString());
              else if (n > 0) log.debug("telemetry history: purged {} points", n);
            });
  }

  private int drain(Connection c) throws SQLException {
    int sent = 0;
    List<Point> batch = new ArrayList<>(settings.batchSize());
    while (queue.drainTo(batch, settings.batchSize()) > 0) {
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        for (Point p : batch) {
          ps.setString(1, p.serial());
          ps.setTimestamp(2, Timestamp.from(p.at()));
          setReal(ps, 3, p.load());
          setReal(ps, 4, p.charge());
          setReal(ps, 5, p.runtime());
          setReal(ps, 6, p.batteryTemperature());
          setReal(ps, 7, p.inputVoltage());
          setReal(ps, 8, p.outputVoltage());
          ps.setString(9, p.status());
          ps.setObject(10, p.batteryDate());
          ps.addBatch();
        }
        ps.executeBatch();
      } catch (SQLException e) {
        failed.addAndGet(batch.size());
        throw e;
      }
      sent += batch.size();
      written.addAndGet(batch.size());
      batch.clear();
    }
    return sent;
  }

  private static void setReal(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) ps.setNull(i, Types.REAL);
    else ps.setFloat(i, v.floatValue());
  }

  private static Double real(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? null : d;
  }
}
