package io.upsfleet.ui.device;

import com.vaadin.flow.component.html.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * How the console writes device values: status labels and badges, numbers with units, UTC times.
 */
public final class DeviceFormat {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("OK", "OK"),
          Map.entry("ONLINE", "Online"),
          Map.entry("OFFLINE", "Offline"),
          Map.entry("CONNECTION_LOST", "Connection lost"),
          Map.entry("ON_BATTERY", "On battery"),
          Map.entry("LOW_BATTERY", "Low battery"),
          Map.entry("REPLACE_BATTERY", "Replace battery"),
          Map.entry("OVERLOAD", "Overload"),
          Map.entry("TEMPERATURE_HIGH", "Temperature high"),
          Map.entry("OL", "On line"),
          Map.entry("OB", "On battery"),
          Map.entry("LB", "Low battery"),
          Map.entry("RB", "Replace battery"),
          Map.entry("CHRG", "Charging"),
          Map.entry("DISCHRG", "Discharging"),
          Map.entry("BYPASS", "Bypass"),
          Map.entry("CAL", "Calibrating"),
          Map.entry("OFF", "Off"),
          Map.entry("OVER", "Overload"),
          Map.entry("TRIM", "Trimming"),
          Map.entry("BOOST", "Boosting"),
          Map.entry("TEST", "Self-test"),
          Map.entry("ALARM", "Alarm"));

  private DeviceFormat() {}

  /** A readable label for a health value, status filter or NUT status flag. */
  public static String label(String status) {
    if (status == null || status.isBlank()) return "—";
    return LABELS.getOrDefault(status, status.replace('_', ' ').toLowerCase(Locale.ROOT));
  }

  /**
   * The badge tone of a status: error, warning, success or neutral (CSS class {@code
   * badge-<tone>}).
   */
  public static String tone(String status) {
    if (status == null) return "neutral";
    return switch (status) {
      case "CONNECTION_LOST",
          "LOW_BATTERY",
          "LB",
          "OVERLOAD",
          "OVER",
          "TEMPERATURE_HIGH",
          "ALARM" ->
          "error";
      case "ON_BATTERY", "OB", "REPLACE_BATTERY", "RB", "DISCHRG", "BYPASS" -> "warning";
      case "OK", "ONLINE", "OL" -> "success";
      default -> "neutral";
    };
  }

  /** A plan name as a title ({@code STANDARD} → {@code Standard}), or a dash when there is none. */
  public static String plan(String plan) {
    if (plan == null || plan.isBlank()) return "—";
    String p = plan.toLowerCase(Locale.ROOT);
    return Character.toUpperCase(p.charAt(0)) + p.substring(1);
  }

  public static Span badge(String status) {
    Span s = new Span(label(status));
    s.addClassNames("badge", "badge-" + tone(status));
    return s;
  }

  public static String time(Instant t) {
    return t == null ? "—" : TIME.format(t);
  }

  public static String date(Instant t) {
    return t == null ? "—" : DATE.format(t);
  }

  /** "3 min ago", "2 h ago", or the date for older times. */
  public static String ago(Instant t, Instant now) {
    if (t == null) return "never";
    Duration d = Duration.between(t, now);
    if (d.isNegative() || d.toSeconds() < 60) return "just now";
    if (d.toMinutes() < 60) return d.toMinutes() + " min ago";
    if (d.toHours() < 48) return d.toHours() + " h ago";
    return date(t);
  }

  /** Seconds of runtime as "1 h 05 min" or "42 min". */
  public static String runtime(Object seconds) {
    if (!(seconds instanceof Number n)) return "—";
    long s = n.longValue();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60)
        : (s / 60) + " min";
  }

  /** A telemetry value with its unit, or a dash when the device did not report it. */
  public static String value(Object v, String unit) {
    if (v == null) return "—";
    if (v instanceof Number n) {
      double d = n.doubleValue();
      String num =
          d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
      return unit.isEmpty() ? num : num + " " + unit;
    }
    return v.toString();
  }
}
