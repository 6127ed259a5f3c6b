package io.upsfleet.cluster.notify;

import io.upsfleet.cluster.device.EventType;
import io.upsfleet.cluster.device.UpsDevice;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the notification projection does with one device event, inside its transaction: which
 * policies and destinations it reaches, and what is worth a message. An {@code ON_BATTERY} waits
 * {@code blip-window} (status {@code HELD}): a {@code POWER_RESTORED} within it turns it into one
 * "power blip" message. A device that goes on battery {@code flapping.threshold} times within
 * {@code flapping.window} gets one summary and no more power messages until it is stable. When
 * {@code incident.min-devices} devices of one site are on battery within {@code incident.window},
 * one incident message replaces theirs; devices joining later produce at most one update per {@code
 * incident.update-interval}; when the last one is back, one message with the duration. Alarms
 * caused by maintenance (self-test, calibration, firmware upgrade) reach only policies that ask for
 * them, and never open incidents. Plan events (reminders go by digest) and user actions are not
 * notified. Every message gets a stable delivery key per destination, so a replay inserts nothing
 * twice.
 */
final class NotificationRules {
  private static final Set<EventType> NOT_NOTIFIED =
      Set.of(
          EventType.PLAN_CHANGED,
          EventType.PLAN_EXPIRING,
          EventType.PLAN_EXPIRED,
          EventType.USER_ACTION);
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm");

  private final NotificationSettings settings;
  private final Clock clock;

  NotificationRules(NotificationSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** The device as notifications see it: its account and its site (or null). */
  record Device(UUID accountId, UUID siteId, String siteName, String siteZone) {}

  private record Power(
      boolean onBattery,
      Instant since,
      Instant windowStart,
      int transitions,
      boolean flapping,
      UUID incidentId,
      String cause) {}

  /** Whether an event could produce a message (and needs the site locks of the batch). */
  static boolean power(UpsDevice.Event event) {
    return event instanceof UpsDevice.EventRaised e
        && (e.type() == EventType.ON_BATTERY || e.type() == EventType.POWER_RESTORED);
  }

  void apply(Connection c, String serial, long seqNr, UpsDevice.EventRaised e) throws SQLException {
    if (e.type() == EventType.PLAN_EXPIRING) {
      expiryReminder(c, serial, seqNr, e);
      return;
    }
    if (!e.logged() || NOT_NOTIFIED.contains(e.type())) return;
    Instant now = clock.instant();
    if (e.at().isBefore(now.minus(settings.maxEventAge()))) return;
    Device dev = device(c, serial);
    if (dev == null) return;
    List<Policy> policies = NotificationStore.policies(c, dev.accountId());
    String ref = serial + "#" + seqNr + ":" + e.type().name();
    if (e.type() == EventType.ON_BATTERY) {
      onBattery(c, dev, policies, serial, seqNr, ref, e, now);
    } else if (e.type() == EventType.POWER_RESTORED) {
      powerRestored(c, dev, policies, serial, seqNr, ref, e, now);
    } else {
      notifyEvent(c, dev, policies, serial, seqNr, ref, e, e.cause(), now);
    }
  }

  private void onBattery(
      Connection c,
      Device dev,
      List<Policy> policies,
      String serial,
      long seqNr,
      String ref,
      UpsDevice.EventRaised e,
      Instant now)
      throws SQLException {
    Power p = power(c, serial);
    boolean newWindow =
        p == null || Duration.between(p.windowStart(), e.at()).compareTo(settings.flapWindow()) > 0;
    Instant windowStart = newWindow ? e.at() : p.windowStart();
    int transitions = (newWindow ? 0 : p.transitions()) + 1;
    boolean wasFlapping = !newWindow && p.flapping();
    boolean flapping = wasFlapping || transitions >= settings.flapThreshold();
    UUID incident = p == null ? null : p.incidentId();
    savePower(c, serial, true, e.at(), windowStart, transitions, flapping, incident, e.cause());
    Set<UUID> dests = destinations(policies, EventType.ON_BATTERY, e.cause(), serial, dev.siteId());
    if (flapping) {
      if (!wasFlapping) {
        suppressHeld(c, List.of(serial));
        Message m =
            new Message(
                "FLAPPING",
                "UPS "
                    + serial
                    + " is flapping: on battery "
                    + transitions
                    + " times in "
                    + human(Duration.between(windowStart, e.at())),
                "WARNING",
                List.of(
                    "Further power messages of this UPS are held back until it has been stable for "
                        + human(settings.flapWindow())
                        + "."),
                serial,
                dev.siteName(),
                EventType.ON_BATTERY.name(),
                e.at());
        for (UUID d : dests)
          enqueue(
              c,
              "flap:" + serial + ":" + seqNr + ":" + d,
              dev,
              d,
              "FLAPPING",
              serial,
              null,
              m,
              ref,
              "PENDING",
              now);
      }
      return;
    }
    if (dev.siteId() != null && e.cause() == null) {
      UUID open = openIncident(c, dev.siteId());
      if (open != null) {
        setIncident(c, List.of(serial), open);
        incidentChanged(c, dev, open, dests, ref, e.at(), now);
        return;
      }
      List<String> wave = wave(c, dev.siteId(), e.at().minus(settings.incidentWindow()));
      if (wave.size() >= settings.incidentMinDevices()) {
        openIncident(c, dev, wave, dests, ref, e.at(), now);
        return;
      }
    }
    Message m = eventMessage(serial, dev, e);
    boolean hold = !settings.blipWindow().isZero();
    for (UUID d : dests)
      enqueue(
          c,
          "ev:" + serial + ":" + seqNr + ":" + d,
          dev,
          d,
          "EVENT",
          serial,
          null,
          m,
          ref,
          hold ? "HELD" : "PENDING",
          hold ? e.at().plus(settings.blipWindow()) : now);
  }

  private void powerRestored(
      Connection c,
      Device dev,
      List<Policy> policies,
      String serial,
      long seqNr,
      String ref,
      UpsDevice.EventRaised e,
      Instant now)
      throws SQLException {
    Power p = power(c, serial);
    if (p != null) {
      savePower(
          c, serial, false, e.at(), p.windowStart(), p.transitions(), p.flapping(), null, null);
      if (p.flapping()
          && Duration.between(p.windowStart(), e.at()).compareTo(settings.flapWindow()) <= 0)
        return;
      if (p.incidentId() != null) {
        incidentDeviceBack(c, dev, policies, serial, p.incidentId(), ref, e.at(), now);
        return;
      }
      if (p.onBattery()
          && Duration.between(p.since(), e.at()).compareTo(settings.blipWindow()) <= 0) {
        Message blip =
            new Message(
                "BLIP",
                "UPS "
                    + serial
                    + ": power blip, on battery for "
                    + human(Duration.between(p.since(), e.at())),
                "WARNING",
                List.of("The UPS went on battery and mains power returned; nothing else to do."),
                serial,
                dev.siteName(),
                EventType.ON_BATTERY.name(),
                p.since());
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE notification_outbox SET kind = 'BLIP', message = ?::jsonb, status = 'PENDING',"
                    + " next_attempt_at = ?, events = events || ?::text[] WHERE serial = ? AND status = 'HELD'"
                    + " AND kind = 'EVENT' AND lease_token IS NULL")) {
          ps.setString(1, ChannelPayloads.write(blip));
          ps.setTimestamp(2, Timestamp.from(now));
          ps.setArray(3, c.createArrayOf("text", new String[] {ref}));
          ps.setString(4, serial);
          if (ps.executeUpdate() > 0) return;
        }
      }
    }
    // The end of a maintenance-caused outage (a self-test on battery) is maintenance too.
    String cause = e.cause() != null ? e.cause() : p != null && p.onBattery() ? p.cause() : null;
    notifyEvent(c, dev, policies, serial, seqNr, ref, e, cause, now);
  }

  /** One message per destination of the policies the event passes, to go now. */
  private void notifyEvent(
      Connection c,
      Device dev,
      List<Policy> policies,
      String serial,
      long seqNr,
      String ref,
      UpsDevice.EventRaised e,
      String cause,
      Instant now)
      throws SQLException {
    Message m = eventMessage(serial, dev, e);
    for (UUID d : destinations(policies, e.type(), cause, serial, dev.siteId()))
      enqueue(
          c,
          "ev:" + serial + ":" + seqNr + ":" + d,
          dev,
          d,
          "EVENT",
          serial,
          null,
          m,
          ref,
          "PENDING",
          now);
  }

  // ------------------------------------------------------------------------ expiry reminders

  /**
   * A plan reminder (90, 30, 7 and 0 days before a plan ends) joins the account's digest of the day
   * (UTC): one e-mail per account, day and e-mail destination, held {@code digest.delay} to collect
   * the day's burst; a reminder arriving after that day's digest went makes a late one of its own.
   * Reminders older than {@code digest.max-age} when first seen are dropped.
   */
  private void expiryReminder(Connection c, String serial, long seqNr, UpsDevice.EventRaised e)
      throws SQLException {
    Instant now = clock.instant();
    if (e.at().isBefore(now.minus(settings.digestMaxAge()))) return;
    Device dev = device(c, serial);
    if (dev == null) return;
    String ref = serial + "#" + seqNr + ":" + e.type().name();
    String line =
        "UPS "
            + serial
            + (dev.siteName() == null ? "" : " (site " + dev.siteName() + ")")
            + ": "
            + e.details().getOrDefault("plan", "the plan")
            + " ends "
            + e.details().getOrDefault("endsAt", "?").replaceFirst("T.*", "")
            + " (in "
            + e.details().getOrDefault("days", "?")
            + " days)";
    String day = e.at().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    Message m =
        new Message(
            "EXPIRY_DIGEST",
            "Plan reminders of " + day + ": 1 UPS",
            "WARNING",
            List.of(line),
            null,
            null,
            EventType.PLAN_EXPIRING.name(),
            e.at());
    List<UUID> emails = new ArrayList<>();
    for (Destination d : NotificationStore.destinations(c, dev.accountId(), null))
      if (d.type() == DestinationType.EMAIL) emails.add(d.id());
    for (UUID d : emails) {
      String key = "digest:" + dev.accountId() + ":" + day + ":" + d;
      int changed;
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO notification_outbox (delivery_key, account_id, destination_id, kind, message, events,"
                  + " status, next_attempt_at, created_at) VALUES (?, ?, ?, 'EXPIRY_DIGEST', ?::jsonb, ?::text[],"
                  + " 'HELD', ?, ?) ON CONFLICT (delivery_key) DO UPDATE SET"
                  + " message = jsonb_set(jsonb_set(notification_outbox.message, '{lines}',"
                  + " (notification_outbox.message->'lines') || to_jsonb(?::text)), '{title}',"
                  + " to_jsonb(?::text || (jsonb_array_length(notification_outbox.message->'lines') + 1) || ' UPSs')),"
                  + " events = notification_outbox.events || excluded.events"
                  + " WHERE notification_outbox.status = 'HELD' AND notification_outbox.lease_token IS NULL"
                  + " AND NOT (?::text = ANY(notification_outbox.events))")) {
        ps.setString(1, key);
        ps.setObject(2, dev.accountId());
        ps.setObject(3, d);
        ps.setString(4, ChannelPayloads.write(m));
        ps.setArray(5, c.createArrayOf("text", new String[] {ref}));
        ps.setTimestamp(6, Timestamp.from(now.plus(settings.digestDelay())));
        ps.setTimestamp(7, Timestamp.from(now));
        ps.setString(8, line);
        ps.setString(9, "Plan reminders of " + day + ": ");
        ps.setString(10, ref);
        changed = ps.executeUpdate();
      }
      if (changed == 0 && !covered(c, key, ref)) {
        // That day's digest has gone already: this reminder goes on its own, a little later.
        enqueue(
            c,
            key + ":late:" + ref,
            dev,
            d,
            "EXPIRY_DIGEST",
            serial,
            null,
            m,
            ref,
            "HELD",
            now.plus(settings.digestDelay()));
      }
    }
  }

  private static boolean covered(Connection c, String key, String ref) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM notification_outbox WHERE delivery_key = ? AND ?::text = ANY(events)")) {
      ps.setString(1, key);
      ps.setString(2, ref);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  // --------------------------------------------------------------------------------- incidents

  private void openIncident(
      Connection c,
      Device dev,
      List<String> wave,
      Set<UUID> dests,
      String ref,
      Instant at,
      Instant now)
      throws SQLException {
    UUID id = UUID.randomUUID();
    Instant started = earliestSince(c, wave);
    int total = devicesInSite(c, dev.siteId());
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO incidents (id, account_id, site_id, site_name, started_at, on_battery, peak, devices_total,"
                + " serials, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, id);
      ps.setObject(2, dev.accountId());
      ps.setObject(3, dev.siteId());
      ps.setString(4, dev.siteName());
      ps.setTimestamp(5, Timestamp.from(started));
      ps.setInt(6, wave.size());
      ps.setInt(7, wave.size());
      ps.setInt(8, total);
      ps.setArray(9, c.createArrayOf("text", wave.toArray()));
      ps.setTimestamp(10, Timestamp.from(now));
      ps.executeUpdate();
    }
    setIncident(c, wave, id);
    suppressHeld(c, wave);
    Message m = incidentMessage("INCIDENT_OPENED", dev, wave.size(), total, started, at, wave);
    // Held for the gather time: devices of the site going on battery meanwhile join this message.
    for (UUID d : dests)
      enqueue(
          c,
          "inc:" + id + ":opened:" + d,
          dev,
          d,
          "INCIDENT_OPENED",
          null,
          id,
          m,
          ref,
          "PENDING",
          now.plus(settings.incidentGather()));
  }

  private void incidentChanged(
      Connection c, Device dev, UUID incident, Set<UUID> dests, String ref, Instant at, Instant now)
      throws SQLException {
    List<String> on = incidentSerials(c, incident, true);
    Instant started;
    int total;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE incidents SET on_battery = ?, peak = greatest(peak, ?), updated_at = ?,"
                + " serials = (SELECT array_agg(DISTINCT s) FROM unnest(serials || ?::text[]) s)"
                + " WHERE id = ? RETURNING started_at, devices_total")) {
      ps.setInt(1, on.size());
      ps.setInt(2, on.size());
      ps.setTimestamp(3, Timestamp.from(now));
      ps.setArray(4, c.createArrayOf("text", on.toArray()));
      ps.setObject(5, incident);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        started = rs.getTimestamp(1).toInstant();
        total = rs.getInt(2);
      }
    }
    // Updates are counted from when the opening went out (or goes, once gathered), so that the
    // first one follows it by a whole interval.
    Instant opened = openingCreated(c, incident);
    Instant base = opened == null ? started : opened.plus(settings.incidentGather());
    long bucket =
        Math.max(0, Duration.between(base, at).toMillis())
            / settings.incidentUpdateInterval().toMillis();
    Instant due = base.plus(settings.incidentUpdateInterval().multipliedBy(bucket + 1));
    Message opening = incidentMessage("INCIDENT_OPENED", dev, on.size(), total, started, at, on);
    Message m = incidentMessage("INCIDENT_UPDATED", dev, on.size(), total, started, at, on);
    for (UUID d : dests) {
      if (joinOpening(c, "inc:" + incident + ":opened:" + d, opening, ref)) continue;
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO notification_outbox (delivery_key, account_id, destination_id, kind, site_id, incident_id,"
                  + " message, events, status, next_attempt_at, created_at)"
                  + " VALUES (?, ?, ?, 'INCIDENT_UPDATED', ?, ?, ?::jsonb, ?::text[], 'PENDING', ?, ?)"
                  + " ON CONFLICT (delivery_key) DO UPDATE SET message = excluded.message,"
                  + " events = notification_outbox.events || excluded.events"
                  + " WHERE notification_outbox.status = 'PENDING' AND notification_outbox.lease_token IS NULL")) {
        ps.setString(1, "inc:" + incident + ":update:" + bucket + ":" + d);
        ps.setObject(2, dev.accountId());
        ps.setObject(3, d);
        ps.setObject(4, dev.siteId());
        ps.setObject(5, incident);
        ps.setString(6, ChannelPayloads.write(m));
        ps.setArray(7, c.createArrayOf("text", new String[] {ref}));
        ps.setTimestamp(8, Timestamp.from(due.isBefore(now) ? now : due));
        ps.setTimestamp(9, Timestamp.from(now));
        ps.executeUpdate();
      }
    }
  }

  /**
   * Rewrites the opening message {@code key} to name the devices on battery now, while it has not
   * gone out yet (pending, not taken by a sender); false when it has (or never existed).
   */
  private static boolean joinOpening(Connection c, String key, Message opening, String ref)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE notification_outbox SET message = ?::jsonb, events = events || ?::text[]"
                + " WHERE delivery_key = ? AND status = 'PENDING' AND lease_token IS NULL"
                + " AND attempts = 0")) {
      ps.setString(1, ChannelPayloads.write(opening));
      ps.setArray(2, c.createArrayOf("text", new String[] {ref}));
      ps.setString(3, key);
      return ps.executeUpdate() > 0;
    }
  }

  /** When the incident's opening message was written; null when it has none. */
  private static Instant openingCreated(Connection c, UUID incident) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT min(created_at) FROM notification_outbox"
                + " WHERE incident_id = ? AND kind = 'INCIDENT_OPENED'")) {
      ps.setObject(1, incident);
      try (ResultSet rs = ps.executeQuery()) {
        Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
        return t == null ? null : t.toInstant();
      }
    }
  }

  private void incidentDeviceBack(
      Connection c,
      Device dev,
      List<Policy> policies,
      String serial,
      UUID incident,
      String ref,
      Instant at,
      Instant now)
      throws SQLException {
    List<String> still = incidentSerials(c, incident, true);
    if (!still.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE incidents SET on_battery = ?, updated_at = ? WHERE id = ?")) {
        ps.setInt(1, still.size());
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setObject(3, incident);
        ps.executeUpdate();
      }
      return;
    }
    Instant started;
    int peak;
    int total;
    List<String> serials;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE incidents SET on_battery = 0, ended_at = ?, updated_at = ? WHERE id = ? AND ended_at IS NULL"
                + " RETURNING started_at, peak, devices_total, serials")) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setTimestamp(2, Timestamp.from(now));
      ps.setObject(3, incident);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return;
        started = rs.getTimestamp(1).toInstant();
        peak = rs.getInt(2);
        total = rs.getInt(3);
        serials = List.of(NotificationStore.strings(rs.getArray(4)));
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE notification_outbox SET status = 'SUPPRESSED', last_error = 'the incident ended first'"
                + " WHERE incident_id = ? AND kind = 'INCIDENT_UPDATED' AND status = 'PENDING' AND lease_token IS NULL")) {
      ps.setObject(1, incident);
      ps.executeUpdate();
    }
    Set<UUID> dests = destinations(policies, EventType.POWER_RESTORED, null, serial, dev.siteId());
    Message m =
        new Message(
            "INCIDENT_RESOLVED",
            "Site "
                + dev.siteName()
                + ": power back at all UPSs after "
                + human(Duration.between(started, at)),
            "INFO",
            List.of(
                "At most "
                    + peak
                    + " of "
                    + total
                    + " UPSs were on battery, from "
                    + clock(dev, started)
                    + " to "
                    + clock(dev, at)
                    + ".",
                "UPSs: " + String.join(", ", serials)),
            null,
            dev.siteName(),
            null,
            at);
    for (UUID d : dests)
      enqueue(
          c,
          "inc:" + incident + ":resolved:" + d,
          dev,
          d,
          "INCIDENT_RESOLVED",
          null,
          incident,
          m,
          ref,
          "PENDING",
          now);
  }

  private Message incidentMessage(
      String kind,
      Device dev,
      int on,
      int total,
      Instant started,
      Instant at,
      List<String> serials) {
    return new Message(
        kind,
        "Site "
            + dev.siteName()
            + ": "
            + on
            + " of "
            + total
            + " UPSs on battery since "
            + clock(dev, started),
        "CRITICAL",
        List.of("UPSs on battery: " + String.join(", ", serials)),
        null,
        dev.siteName(),
        EventType.ON_BATTERY.name(),
        at);
  }

  private static String clock(Device dev, Instant at) {
    ZoneId zone = ZoneOffset.UTC;
    if (dev.siteZone() != null) {
      try {
        zone = ZoneId.of(dev.siteZone());
      } catch (DateTimeException e) {
        zone = ZoneOffset.UTC;
      }
    }
    return HHMM.withZone(zone).format(at)
        + (zone.equals(ZoneOffset.UTC) ? " UTC" : " " + zone.getId());
  }

  // ---------------------------------------------------------------------------------- helpers

  static Set<UUID> destinations(
      List<Policy> policies, EventType type, String cause, String serial, UUID siteId) {
    Set<UUID> out = new LinkedHashSet<>();
    for (Policy p : policies)
      if (p.matches(type, cause, serial, siteId)) out.addAll(p.destinationIds());
    return out;
  }

  private static Message eventMessage(String serial, Device dev, UpsDevice.EventRaised e) {
    List<String> lines = new ArrayList<>();
    if (e.cause() != null) lines.add("Cause: " + e.cause());
    for (Map.Entry<String, String> d : e.details().entrySet())
      lines.add(d.getKey() + ": " + d.getValue());
    String site = dev.siteName() == null ? "" : " (site " + dev.siteName() + ")";
    return new Message(
        "EVENT",
        "UPS " + serial + site + ": " + describe(e.type()),
        e.severity().name(),
        lines,
        serial,
        dev.siteName(),
        e.type().name(),
        e.at());
  }

  static String describe(EventType t) {
    switch (t) {
      case ON_BATTERY:
        return "on battery";
      case POWER_RESTORED:
        return "power restored";
      case LOW_BATTERY:
        return "low battery";
      case OVERLOAD:
        return "overload";
      case OVERLOAD_CLEARED:
        return "overload cleared";
      case CONNECTION_LOST:
        return "connection lost";
      case CONNECTION_RESTORED:
        return "connection restored";
      default:
        return t.name().toLowerCase().replace('_', ' ');
    }
  }

  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) return s + " s";
    if (s < 7200) return (s / 60) + " min";
    return (s / 3600) + " h " + (s % 3600) / 60 + " min";
  }

  static Device device(Connection c, String serial) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT k.account_id, s.id, s.name, s.time_zone FROM device_credentials k"
                + " LEFT JOIN device_sites ds ON ds.serial = k.serial"
                + " LEFT JOIN sites s ON s.id = ds.site_id WHERE k.serial = ?")) {
      ps.setString(1, serial);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        return new Device(
            (UUID) rs.getObject(1), (UUID) rs.getObject(2), rs.getString(3), rs.getString(4));
      }
    }
  }

  private static Power power(Connection c, String serial) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT on_battery, since, window_start, transitions, flapping, incident_id, cause"
                + " FROM notify_device_power WHERE serial = ? FOR UPDATE")) {
      ps.setString(1, serial);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        return new Power(
            rs.getBoolean(1),
            rs.getTimestamp(2).toInstant(),
            rs.getTimestamp(3).toInstant(),
            rs.getInt(4),
            rs.getBoolean(5),
            (UUID) rs.getObject(6),
            rs.getString(7));
      }
    }
  }

  private static void savePower(
      Connection c,
      String serial,
      boolean onBattery,
      Instant since,
      Instant windowStart,
      int transitions,
      boolean flapping,
      UUID incident,
      String cause)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO notify_device_power (serial, on_battery, since, window_start, transitions, flapping,"
                + " incident_id, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (serial) DO UPDATE SET"
                + " on_battery = excluded.on_battery, since = excluded.since, window_start = excluded.window_start,"
                + " transitions = excluded.transitions, flapping = excluded.flapping,"
                + " incident_id = excluded.incident_id, cause = excluded.cause")) {
      ps.setString(1, serial);
      ps.setBoolean(2, onBattery);
      ps.setTimestamp(3, Timestamp.from(since));
      ps.setTimestamp(4, Timestamp.from(windowStart));
      ps.setInt(5, transitions);
      ps.setBoolean(6, flapping);
      ps.setObject(7, incident);
      ps.setString(8, cause);
      ps.executeUpdate();
    }
  }

  private static UUID openIncident(Connection c, UUID siteId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM incidents WHERE site_id = ? AND ended_at IS NULL")) {
      ps.setObject(1, siteId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? (UUID) rs.getObject(1) : null;
      }
    }
  }

  /** The site's devices on battery since {@code from}, not flapping and in no incident. */
  private static List<String> wave(Connection c, UUID siteId, Instant from) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT p.serial FROM notify_device_power p JOIN device_sites s ON s.serial = p.serial"
                + " WHERE s.site_id = ? AND p.on_battery AND p.since >= ? AND NOT p.flapping"
                + " AND p.incident_id IS NULL ORDER BY p.serial")) {
      ps.setObject(1, siteId);
      ps.setTimestamp(2, Timestamp.from(from));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<String> incidentSerials(Connection c, UUID incident, boolean onBattery)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT serial FROM notify_device_power WHERE incident_id = ? AND on_battery = ? ORDER BY serial")) {
      ps.setObject(1, incident);
      ps.setBoolean(2, onBattery);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static Instant earliestSince(Connection c, List<String> serials) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT min(since) FROM notify_device_power WHERE serial = ANY(?)")) {
      ps.setArray(1, c.createArrayOf("text", serials.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1).toInstant();
      }
    }
  }

  private static int devicesInSite(Connection c, UUID siteId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM device_sites WHERE site_id = ?")) {
      ps.setObject(1, siteId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void setIncident(Connection c, List<String> serials, UUID incident)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE notify_device_power SET incident_id = ? WHERE serial = ANY(?)")) {
      ps.setObject(1, incident);
      ps.setArray(2, c.createArrayOf("text", serials.toArray()));
      ps.executeUpdate();
    }
  }

  /**
   * Held (blip-window) messages of these devices will not go: an incident or a summary covers them.
   */
  private static void suppressHeld(Connection c, List<String> serials) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE notification_outbox SET status = 'SUPPRESSED', last_error = 'covered by an incident or summary'"
                + " WHERE serial = ANY(?) AND status = 'HELD' AND kind = 'EVENT' AND lease_token IS NULL")) {
      ps.setArray(1, c.createArrayOf("text", serials.toArray()));
      ps.executeUpdate();
    }
  }

  private void enqueue(
      Connection c,
      String key,
      Device dev,
      UUID destination,
      String kind,
      String serial,
      UUID incident,
      Message m,
      String ref,
      String status,
      Instant due)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO notification_outbox (delivery_key, account_id, destination_id, kind, serial, site_id,"
                + " incident_id, message, events, status, next_attempt_at, created_at)"
                + " SELECT ?, ?, id, ?, ?, ?, ?, ?::jsonb, ?::text[], ?, ?, ? FROM notification_destinations"
                + " WHERE id = ? AND account_id = ? ON CONFLICT (delivery_key) DO NOTHING")) {
      ps.setString(1, key);
      ps.setObject(2, dev.accountId());
      ps.setString(3, kind);
      ps.setString(4, serial);
      ps.setObject(5, dev.siteId());
      ps.setObject(6, incident);
      ps.setString(7, ChannelPayloads.write(m));
      ps.setArray(8, c.createArrayOf("text", new String[] {ref}));
      ps.setString(9, status);
      ps.setTimestamp(10, Timestamp.from(due));
      ps.setTimestamp(11, Timestamp.from(clock.instant()));
      ps.setObject(12, destination);
      ps.setObject(13, dev.accountId());
      ps.executeUpdate();
    }
  }
}
