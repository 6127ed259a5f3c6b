package io.upsfleet.cluster.device;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.plan.Plan;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Queries over the device read models (fed by {@link DeviceProjection}): pages of the directory
 * with filters and search, and pages of one device's event log. All values are bound as parameters;
 * search text is matched literally (LIKE wildcards in it are escaped). Thread-safe.
 */
public final class DeviceDirectory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Jdbc jdbc;

  public DeviceDirectory(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** A status filter of the device list. */
  public enum StatusFilter {
    ONLINE("online"),
    OFFLINE("NOT online"),
    CONNECTION_LOST("connection_lost"),
    ON_BATTERY("'OB' = ANY(status_flags)"),
    LOW_BATTERY("'LB' = ANY(status_flags)"),
    REPLACE_BATTERY("'RB' = ANY(status_flags)"),
    OVERLOAD("'OVER' = ANY(status_flags)"),
    TEMPERATURE_HIGH("temperature_high");

    private final String predicate;

    StatusFilter(String predicate) {
      this.predicate = predicate;
    }
  }

  /** An order of the device list; each ends with serial ascending, so pages are stable. */
  public enum Sort {
    SERIAL("serial", "serial"),
    SERIAL_DESC("-serial", "serial DESC"),
    UPDATED_AT("updatedAt", "updated_at, serial"),
    UPDATED_AT_DESC("-updatedAt", "updated_at DESC, serial"),
    MODEL("model", "model, serial"),
    MODEL_DESC("-model", "model DESC, serial");

    private final String wireName;
    private final String orderBy;

    Sort(String wireName, String orderBy) {
      this.wireName = wireName;
      this.orderBy = orderBy;
    }

    /** The API's spelling ({@code serial}, {@code -updatedAt}, …). */
    public String wireName() {
      return wireName;
    }

    /** The order named {@code wireName}, or empty. */
    public static Optional<Sort> fromWire(String wireName) {
      for (Sort s : values()) if (s.wireName.equals(wireName)) return Optional.of(s);
      return Optional.empty();
    }

    /** Every API spelling, in declaration order. */
    public static List<String> wireNames() {
      return Arrays.stream(values()).map(Sort::wireName).toList();
    }
  }

  /**
   * What the device list shows: every filter is optional and they combine with AND.
   *
   * @param account restricts to one account
   * @param status a status filter
   * @param text serial prefix or model substring (case-insensitive)
   * @param plan the device's current plan
   * @param model the exact model
   * @param firmwareOutdated whether newer firmware was offered and not yet installed
   * @param sort the order (never null)
   * @param site only the devices of this site (issue 11)
   */
  public record Query(
      Optional<UUID> account,
      Optional<StatusFilter> status,
      Optional<String> text,
      Optional<Plan> plan,
      Optional<String> model,
      Optional<Boolean> firmwareOutdated,
      Sort sort,
      Optional<UUID> site) {
    public Query {
      Objects.requireNonNull(sort, "sort");
      site = site == null ? Optional.empty() : site;
    }

    /** Without a site filter. */
    public Query(
        Optional<UUID> account,
        Optional<StatusFilter> status,
        Optional<String> text,
        Optional<Plan> plan,
        Optional<String> model,
        Optional<Boolean> firmwareOutdated,
        Sort sort) {
      this(account, status, text, plan, model, firmwareOutdated, sort, Optional.empty());
    }

    /** No filter, ordered by serial. */
    public static Query all() {
      return new Query(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Sort.SERIAL);
    }
  }

  /** The health words of the device list, in order of urgency (as {@code health} of the API). */
  public static final List<String> HEALTHS =
      List.of(
          "OFFLINE",
          "CONNECTION_LOST",
          "LOW_BATTERY",
          "ON_BATTERY",
          "OVERLOAD",
          "TEMPERATURE_HIGH",
          "REPLACE_BATTERY",
          "OK");

  /**
   * The same decision as the API's {@code health}, as SQL over one directory row (the reports use
   * it).
   */
  public static final String HEALTH_SQL =
      "CASE WHEN NOT online THEN"
          + " (CASE WHEN connection_lost THEN 'CONNECTION_LOST' ELSE 'OFFLINE' END)"
          + " WHEN 'LB' = ANY(status_flags) THEN 'LOW_BATTERY'"
          + " WHEN 'OB' = ANY(status_flags) THEN 'ON_BATTERY'"
          + " WHEN 'OVER' = ANY(status_flags) THEN 'OVERLOAD'"
          + " WHEN temperature_high THEN 'TEMPERATURE_HIGH'"
          + " WHEN 'RB' = ANY(status_flags) THEN 'REPLACE_BATTERY'"
          + " ELSE 'OK' END";

  /**
   * Counts over the directory.
   *
   * @param byHealth every word of {@link #HEALTHS}, in that order, with its count (zeros included)
   * @param byPlan every {@link Plan}, lowest first, with its count (zeros included)
   * @param firmwareOutdated devices offered firmware they have not installed
   */
  public record Counts(
      long total, Map<String, Long> byHealth, Map<String, Long> byPlan, long firmwareOutdated) {}

  /** One row of the directory. */
  public record Entry(
      String serial,
      UUID accountId,
      String model,
      Instant registeredAt,
      boolean online,
      boolean connectionLost,
      Set<StatusFlag> status,
      boolean temperatureHigh,
      String firmware,
      Instant connectedSince,
      Instant disconnectedAt,
      Instant updatedAt,
      Plan plan,
      String firmwareAvailable) {}

  /** One entry of the event log. */
  public record LoggedEvent(
      String serial,
      long seqNr,
      EventType type,
      Severity severity,
      String cause,
      Instant occurredAt,
      Instant deviceTime,
      Map<String, String> details) {}

  /** A page of results and the total number of matches. */
  public record Page<T>(List<T> items, int page, int size, long total) {}

  /**
   * A page of devices ordered by serial.
   *
   * @param account restricts to one account when present
   * @param status filter, or empty
   * @param query serial prefix or model substring (case-insensitive), or empty
   */
  public CompletionStage<Page<Entry>> page(
      Optional<UUID> account,
      Optional<StatusFilter> status,
      Optional<String> query,
      int page,
      int size) {
    return page(
        new Query(
            account,
            status,
            query,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Sort.SERIAL),
        page,
        size);
  }

  /** A page of the devices {@code query} selects, in its order, and the total number of matches. */
  public CompletionStage<Page<Entry>> page(Query query, int page, int size) {
    List<Object> args = new ArrayList<>();
    String where = where(query, args);
    return jdbc.run(
        c -> {
          long total;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT count(*) FROM device_directory" + where)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          List<Entry> items = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT serial, account_id, model, registered_at, online, connection_lost, status_flags, temperature_high,"
                      + " firmware, connected_since, disconnected_at, updated_at, plan, firmware_available"
                      + " FROM device_directory"
                      + where
                      + " ORDER BY "
                      + query.sort().orderBy
                      + " OFFSET ? LIMIT ?")) {
            int i = bind(ps, args);
            ps.setLong(i++, (long) page * size);
            ps.setInt(i, size);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) items.add(entry(rs));
            }
          }
          return new Page<>(items, page, size, total);
        });
  }

  /**
   * Counts by health, by plan and of outdated firmware over one account's devices, or all when
   * empty.
   */
  public CompletionStage<Counts> counts(Optional<UUID> account) {
    return jdbc.run(
        c -> {
          Map<String, Long> byHealth = new LinkedHashMap<>();
          HEALTHS.forEach(h -> byHealth.put(h, 0L));
          Map<String, Long> byPlan = new LinkedHashMap<>();
          for (Plan p : Plan.values()) byPlan.put(p.name(), 0L);
          long total = 0;
          long outdated = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + HEALTH_SQL
                      + " AS health, plan,"
                      + " count(*) AS n, count(firmware_available) AS outdated FROM device_directory"
                      + (account.isPresent() ? " WHERE account_id = ?" : "")
                      + " GROUP BY 1, 2")) {
            if (account.isPresent()) ps.setObject(1, account.get());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long n = rs.getLong(3);
                byHealth.merge(rs.getString(1), n, Long::sum);
                byPlan.merge(rs.getString(2), n, Long::sum);
                total += n;
                outdated += rs.getLong(4);
              }
            }
          }
          return new Counts(
              total,
              Collections.unmodifiableMap(byHealth),
              Collections.unmodifiableMap(byPlan),
              outdated);
        });
  }

  /**
   * The WHERE clause of {@code query}'s filters over {@code device_directory} (account, status,
   * text, plan, model, firmware), its values appended to {@code args}; the reports filter the same
   * way as the device list.
   */
  public static String where(Query query, List<Object> args) {
    StringBuilder where = new StringBuilder(" WHERE true");
    query
        .account()
        .ifPresent(
            a -> {
              where.append(" AND account_id = ?");
              args.add(a);
            });
    query.status().ifPresent(s -> where.append(" AND ").append(s.predicate));
    query
        .text()
        .filter(q -> !q.isBlank())
        .ifPresent(
            q -> {
              where.append(" AND (serial LIKE ? ESCAPE '\\' OR model ILIKE ? ESCAPE '\\')");
              String escaped = escapeLike(q.trim());
              args.add(escaped.toUpperCase(Locale.ROOT) + "%");
              args.add("%" + escaped + "%");
            });
    query
        .plan()
        .ifPresent(
            p -> {
              where.append(" AND plan = ?");
              args.add(p.name());
            });
    query
        .model()
        .ifPresent(
            m -> {
              where.append(" AND model = ?");
              args.add(m);
            });
    query
        .firmwareOutdated()
        .ifPresent(
            o ->
                where.append(
                    o ? " AND firmware_available IS NOT NULL" : " AND firmware_available IS NULL"));
    query
        .site()
        .ifPresent(
            site -> {
              where.append(" AND serial IN (SELECT serial FROM device_sites WHERE site_id = ?)");
              args.add(site);
            });
    return where.toString();
  }

  /**
   * Only the events logged while the device belonged to its current account: after a transfer the
   * earlier log stays with the old account.
   */
  private static final String OWNER_NOW =
      " AND account_id IN (SELECT d.account_id FROM device_directory d"
          + " WHERE d.serial = device_events.serial)";

  /** A page of a device's event log, newest first, within {@code [from, to)}. */
  public CompletionStage<Page<LoggedEvent>> events(
      String serial, Instant from, Instant to, int page, int size) {
    return jdbc.run(
        c -> {
          long total;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM device_events WHERE serial = ? AND occurred_at >= ? AND occurred_at < ?"
                      + OWNER_NOW)) {
            ps.setString(1, serial);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          List<LoggedEvent> items = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq_nr, type, severity, cause, occurred_at, device_time, details::text FROM device_events"
                      + " WHERE serial = ? AND occurred_at >= ? AND occurred_at < ?"
                      + OWNER_NOW
                      + " ORDER BY occurred_at DESC, seq_nr DESC"
                      + " OFFSET ? LIMIT ?")) {
            ps.setString(1, serial);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            ps.setLong(4, (long) page * size);
            ps.setInt(5, size);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Timestamp dt = rs.getTimestamp(6);
                items.add(
                    new LoggedEvent(
                        serial,
                        rs.getLong(1),
                        EventType.valueOf(rs.getString(2)),
                        Severity.valueOf(rs.getString(3)),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant(),
                        dt == null ? null : dt.toInstant(),
                        details(rs.getString(7))));
              }
            }
          }
          return new Page<>(items, page, size, total);
        });
  }

  /** Deletes event-log entries older than {@code before}; completes with the number deleted. */
  public CompletionStage<Integer> purgeEventsBefore(Instant before) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM device_events WHERE occurred_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
          }
        });
  }

  /**
   * Serials with a persisted deadline that passed: offline past the grace period without {@code
   * CONNECTION_LOST} yet, a plan change or reminder due, or a command's TTL or time-out passed (at
   * most {@code limit} of each).
   */
  public CompletionStage<List<String>> overdue(Instant now, int limit) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "(SELECT serial FROM device_directory WHERE offline_deadline <= ? AND NOT online LIMIT ?)"
                      + " UNION (SELECT serial FROM device_directory WHERE plan_deadline <= ? LIMIT ?)"
                      + " UNION (SELECT serial FROM device_directory WHERE command_deadline <= ? LIMIT ?)")) {
            Timestamp t = Timestamp.from(now);
            for (int i = 0; i < 3; i++) {
              ps.setTimestamp(2 * i + 1, t);
              ps.setInt(2 * i + 2, limit);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(rs.getString(1));
            }
            return out;
          }
        });
  }

  /**
   * Serials shown online whose edge node is not one of {@code liveNodes} (at most {@code limit}).
   */
  public CompletionStage<List<String>> onlineOutside(Set<String> liveNodes, int limit) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT serial FROM device_directory WHERE online AND NOT (node = ANY(?)) LIMIT ?")) {
            ps.setArray(1, c.createArrayOf("text", liveNodes.toArray()));
            ps.setInt(2, limit);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(rs.getString(1));
            }
            return out;
          }
        });
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    Array arr = rs.getArray(7);
    Set<StatusFlag> flags = EnumSet.noneOf(StatusFlag.class);
    for (Object o : (Object[]) arr.getArray())
      StatusFlag.fromToken((String) o).ifPresent(flags::add);
    return new Entry(
        rs.getString(1),
        rs.getObject(2, UUID.class),
        rs.getString(3),
        instant(rs, 4),
        rs.getBoolean(5),
        rs.getBoolean(6),
        flags,
        rs.getBoolean(8),
        rs.getString(9),
        instant(rs, 10),
        instant(rs, 11),
        instant(rs, 12),
        plan(rs.getString(13)),
        rs.getString(14));
  }

  private static Plan plan(String name) {
    try {
      return name == null ? Plan.BASIC : Plan.valueOf(name);
    } catch (IllegalArgumentException e) {
      return Plan.BASIC;
    }
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    Timestamp t = rs.getTimestamp(col);
    return t == null ? null : t.toInstant();
  }

  static Map<String, String> details(String json) {
    try {
      return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() {});
    } catch (Exception e) {
      return Map.of();
    }
  }

  private static int bind(PreparedStatement ps, List<Object> args) throws SQLException {
    int i = 1;
    for (Object a : args) ps.setObject(i++, a);
    return i;
  }

  static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
