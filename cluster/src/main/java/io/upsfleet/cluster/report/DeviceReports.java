package io.upsfleet.cluster.report;

import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads a report's rows from the read models ({@code device_directory}, the latest {@code
 * telemetry_history} point and reported battery date) with a server-side cursor: {@link
 * #FETCH_SIZE} rows at a time, each handed to a {@link ReportWriter} before the next is read, so a
 * report of any size needs bounded memory. The device list's filters apply, plus "expiring within N
 * days". The work holds one JDBC thread and connection of the pool it runs on until the last row is
 * written (the writer blocks while the client reads slowly).
 */
public final class DeviceReports {
  /** Rows fetched per round trip. */
  public static final int FETCH_SIZE = 500;

  private final Jdbc jdbc;

  public DeviceReports(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The filters of a report: the device list's, and devices whose plan coverage, warranty or
   * battery warranty ends within {@code expiringWithinDays} of the report's day (already ended
   * included).
   */
  public record Filter(DeviceDirectory.Query query, Optional<Integer> expiringWithinDays) {}

  /** Opens the writer, on the JDBC thread (its first bytes may wait for the client). */
  @FunctionalInterface
  public interface WriterOpener {
    ReportWriter open() throws IOException;
  }

  /**
   * Streams {@code report} for {@code filter} as of {@code now} to the writer {@code opener} opens,
   * closing it at the end (also on failure). Completes with the number of rows written.
   */
  public CompletionStage<Long> write(
      Report report, Filter filter, Instant now, WriterOpener opener) {
    return jdbc.run(
        c -> {
          try (ReportWriter writer = opener.open()) {
            return rows(c, report, filter, now, writer);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static long rows(
      Connection c, Report report, Filter filter, Instant now, ReportWriter writer)
      throws SQLException, IOException {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder(DeviceDirectory.where(filter.query(), args));
    filter
        .expiringWithinDays()
        .ifPresent(
            days -> {
              where.append(
                  " AND (covered_until <= ? OR warranty_ends_at <= ? OR battery_warranty_ends_at <= ?)");
              Timestamp until = Timestamp.from(now.plusSeconds(86_400L * days));
              args.add(until);
              args.add(until);
              args.add(until);
            });
    String latest =
        report.operational()
            ? " LEFT JOIN LATERAL (SELECT load, charge, battery_temperature FROM telemetry_history t"
                + " WHERE t.serial = device_directory.serial ORDER BY at DESC LIMIT 1) h ON true"
            : " LEFT JOIN LATERAL (SELECT NULL::real AS load, NULL::real AS charge,"
                + " NULL::real AS battery_temperature) h ON true";
    String sql =
        "SELECT serial, model, registered_at, "
            + DeviceDirectory.HEALTH_SQL
            + " AS health, status_flags, firmware, firmware_available, plan, covered_until,"
            + " warranty_ends_at, battery_warranty_ends_at, h.load, h.charge, h.battery_temperature,"
            + " b.battery_date, (SELECT s.name FROM device_sites ds JOIN sites s ON s.id = ds.site_id"
            + " WHERE ds.serial = device_directory.serial) AS site FROM device_directory"
            + latest
            + " LEFT JOIN LATERAL (SELECT battery_date FROM telemetry_history t"
            + " WHERE t.serial = device_directory.serial AND battery_date IS NOT NULL"
            + " ORDER BY at DESC LIMIT 1) b ON true"
            + where
            + " ORDER BY serial";
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false); // PostgreSQL uses a cursor for the fetch size only inside a transaction
    long n = 0;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setFetchSize(FETCH_SIZE);
      for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          writer.write(row(rs));
          n++;
        }
      }
      c.commit();
    } finally {
      if (!c.getAutoCommit()) c.rollback();
      c.setAutoCommit(autoCommit);
    }
    return n;
  }

  private static ReportRow row(ResultSet rs) throws SQLException {
    String model = rs.getString(2);
    Instant registered = rs.getTimestamp(3).toInstant();
    LocalDate installed = BatteryLife.installed(rs.getObject(15, LocalDate.class), registered);
    return new ReportRow(
        rs.getString(1),
        model,
        rs.getString(16), // the site's name, or null
        rs.getString(4),
        flags(rs.getArray(5)),
        real(rs, 12),
        real(rs, 13),
        real(rs, 14),
        rs.getString(6),
        rs.getString(7),
        DeviceModels.find(model).map(DeviceModels.Model::rbc).orElse(null),
        installed,
        BatteryLife.replaceBy(model, installed),
        rs.getString(8),
        date(rs.getTimestamp(9)),
        date(rs.getTimestamp(10)),
        date(rs.getTimestamp(11)));
  }

  private static String flags(Array a) throws SQLException {
    if (a == null) return null;
    String[] flags = (String[]) a.getArray();
    return flags.length == 0 ? null : String.join(" ", flags);
  }

  private static Double real(ResultSet rs, int col) throws SQLException {
    float v = rs.getFloat(col);
    return rs.wasNull() ? null : Double.parseDouble(Float.toString(v)); // 229.3, not 229.300003
  }

  private static LocalDate date(Timestamp t) {
    return t == null ? null : t.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
  }
}
