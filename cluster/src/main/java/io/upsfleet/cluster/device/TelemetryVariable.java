package io.upsfleet.cluster.device;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The telemetry variables a UPS may report, named as in Network UPS Tools (DOMAIN.md §2), each with
 * its kind and the bounds that a value must respect to be accepted. Bounds are physical
 * plausibility limits (a little wider than the realistic ranges) so that a real device is never
 * refused while garbage is.
 */
public enum TelemetryVariable {
  UPS_STATUS("ups.status", Kind.FLAGS),
  UPS_LOAD("ups.load", 0, 200),
  UPS_TEMPERATURE("ups.temperature", -40, 100),
  UPS_REALPOWER("ups.realpower", 0, 20_000),
  UPS_POWER("ups.power", 0, 20_000),
  UPS_FIRMWARE("ups.firmware", CharClass.of(" -~", 1, 64)),
  UPS_MODEL("ups.model", CharClass.of("A-Za-z0-9 .-", 1, 32)),
  UPS_SERIAL("ups.serial", CharClass.of("A-Z0-9", 8, 20)),
  UPS_TEST_RESULT(
      "ups.test.result", List.of("passed", "failed", "in progress", "refused", "aborted")),
  BATTERY_CHARGE("battery.charge", 0, 100),
  BATTERY_RUNTIME("battery.runtime", 0, 172_800),
  BATTERY_VOLTAGE("battery.voltage", 0, 100),
  BATTERY_TEMPERATURE("battery.temperature", -40, 100),
  BATTERY_DATE("battery.date", Kind.DATE),
  BATTERY_DATE_MAINTENANCE("battery.date.maintenance", Kind.DATE),
  INPUT_VOLTAGE("input.voltage", 0, 300),
  INPUT_FREQUENCY("input.frequency", 0, 70),
  OUTPUT_VOLTAGE("output.voltage", 0, 300),
  OUTPUT_FREQUENCY("output.frequency", 0, 70),
  OUTPUT_CURRENT("output.current", 0, 100),
  INPUT_SENSITIVITY("input.sensitivity", List.of("high", "medium", "low")),
  INPUT_TRANSFER_REASON("input.transfer.reason", CharClass.of("A-Za-z", 1, 48)),
  OUTLET_GROUP_0_STATUS("outlet.group.0.status", List.of("on", "off")),
  OUTLET_GROUP_1_STATUS("outlet.group.1.status", List.of("on", "off")),
  OUTLET_GROUP_2_STATUS("outlet.group.2.status", List.of("on", "off"));

  /** How a variable's value is written and checked. */
  public enum Kind {
    /** A finite JSON number within {@link #min()}..{@link #max()}. */
    NUMBER,
    /** A JSON string from a fixed list. */
    ENUM,
    /** A JSON string matching a pattern. */
    TEXT,
    /** A JSON string holding an ISO-8601 date ({@code 2026-11-28}). */
    DATE,
    /** The {@code ups.status} flag list. */
    FLAGS
  }

  private static final Map<String, TelemetryVariable> BY_NAME;

  static {
    Map<String, TelemetryVariable> m = new HashMap<>();
    for (TelemetryVariable v : values()) m.put(v.wireName, v);
    BY_NAME = Collections.unmodifiableMap(m);
  }

  private final String wireName;
  private final Kind kind;
  private final double min;
  private final double max;
  private final List<String> allowed;
  private final CharClass pattern;

  TelemetryVariable(String wireName, double min, double max) {
    this(wireName, Kind.NUMBER, min, max, List.of(), null);
  }

  TelemetryVariable(String wireName, List<String> allowed) {
    this(wireName, Kind.ENUM, 0, 0, allowed, null);
  }

  TelemetryVariable(String wireName, CharClass pattern) {
    this(wireName, Kind.TEXT, 0, 0, List.of(), pattern);
  }

  TelemetryVariable(String wireName, Kind kind) {
    this(wireName, kind, 0, 0, List.of(), null);
  }

  TelemetryVariable(
      String wireName, Kind kind, double min, double max, List<String> allowed, CharClass pattern) {
    this.wireName = wireName;
    this.kind = kind;
    this.min = min;
    this.max = max;
    this.allowed = allowed;
    this.pattern = pattern;
  }

  /** The NUT name used on the wire and in exports, e.g. {@code battery.charge}. */
  public String wireName() {
    return wireName;
  }

  public Kind kind() {
    return kind;
  }

  /** Lowest accepted value of a {@link Kind#NUMBER}. */
  public double min() {
    return min;
  }

  /** Highest accepted value of a {@link Kind#NUMBER}. */
  public double max() {
    return max;
  }

  /** The accepted values of an {@link Kind#ENUM}; empty for other kinds. */
  public List<String> allowed() {
    return allowed;
  }

  /** The variable of a wire name, if it is a known one. */
  public static Optional<TelemetryVariable> fromWireName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Why {@code value} is not acceptable for this number variable, or empty when it is. */
  public Optional<String> checkNumber(double value) {
    if (kind != Kind.NUMBER) return Optional.of(wireName + " must be a string");
    if (!Double.isFinite(value)) return Optional.of(wireName + " must be finite");
    if (value < min || value > max) {
      return Optional.of(wireName + " out of range " + fmt(min) + ".." + fmt(max));
    }
    return Optional.empty();
  }

  /** Why {@code value} is not acceptable for this string variable, or empty when it is. */
  public Optional<String> checkText(String value) {
    switch (kind) {
      case ENUM:
        return allowed.contains(value)
            ? Optional.empty()
            : Optional.of(wireName + " must be one of " + allowed);
      case TEXT:
        return pattern.matches(value)
            ? Optional.empty()
            : Optional.of(wireName + " has an invalid format");
      case DATE:
        try {
          LocalDate.parse(value);
          return Optional.empty();
        } catch (DateTimeParseException e) {
          return Optional.of(wireName + " must be an ISO date (yyyy-MM-dd)");
        }
      case FLAGS:
        return Optional.of(wireName + " is checked as flags");
      default:
        return Optional.of(wireName + " must be a number");
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
