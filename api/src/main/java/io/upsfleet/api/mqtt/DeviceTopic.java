package io.upsfleet.api.mqtt;

import io.upsfleet.api.Serials;
import java.util.Objects;
import java.util.Optional;

/**
 * A concrete per-device MQTT topic: {@code ups/{serial}/telemetry}, {@code ups/{serial}/events},
 * {@code ups/{serial}/commands} or {@code ups/{serial}/commands/result}. Immutable and thread-safe.
 *
 * <p>{@link #parse(String)} accepts exactly these four shapes with a {@link Serials#isValid valid}
 * serial, and nothing else: no wildcards ({@code +}, {@code #}), no {@code $SYS} topics, no empty
 * levels, no trailing slash, no other case. A topic filter from a SUBSCRIBE parses only when it
 * names one concrete topic. The constructor and the factories throw {@link
 * IllegalArgumentException} for an invalid serial, so a {@code DeviceTopic} always names a real
 * topic.
 *
 * @param serial the device's serial number, never null and always valid
 * @param kind which of the device's topics, never null
 */
public record DeviceTopic(String serial, Kind kind) {

  /** The four topics of a device, each with the level(s) that follow the serial. */
  public enum Kind {
    TELEMETRY("telemetry"),
    EVENTS("events"),
    COMMANDS("commands"),
    COMMAND_RESULTS("commands/result");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    /** The topic levels after {@code ups/{serial}/}, e.g. {@code commands/result}. */
    public String suffix() {
      return suffix;
    }

    private static Optional<Kind> fromSuffix(String suffix) {
      for (Kind k : values()) {
        if (k.suffix.equals(suffix)) return Optional.of(k);
      }
      return Optional.empty();
    }
  }

  private static final String PREFIX = "ups/";

  // The longest valid topic is ups/ + 20-char serial + /commands/result (40 chars); anything longer
  // is
  // refused before it is scanned, so a hostile 64 KiB topic costs nothing.
  private static final int MAX_LENGTH = 64;

  public DeviceTopic {
    if (!Serials.isValid(serial)) throw new IllegalArgumentException("invalid serial number");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * The topic of {@code topic}, or empty when it is not exactly one device topic; null gives empty.
   */
  public static Optional<DeviceTopic> parse(String topic) {
    if (topic == null || topic.length() > MAX_LENGTH || !topic.startsWith(PREFIX))
      return Optional.empty();
    int slash = topic.indexOf('/', PREFIX.length());
    if (slash < 0) return Optional.empty();
    String serial = topic.substring(PREFIX.length(), slash);
    // The serial pattern excludes wildcards, NUL and empty levels; the suffix must match a kind
    // exactly,
    // which excludes trailing slashes and anything after the known levels.
    if (!Serials.isValid(serial)) return Optional.empty();
    return Kind.fromSuffix(topic.substring(slash + 1)).map(kind -> new DeviceTopic(serial, kind));
  }

  public static DeviceTopic telemetry(String serial) {
    return new DeviceTopic(serial, Kind.TELEMETRY);
  }

  public static DeviceTopic events(String serial) {
    return new DeviceTopic(serial, Kind.EVENTS);
  }

  public static DeviceTopic commands(String serial) {
    return new DeviceTopic(serial, Kind.COMMANDS);
  }

  public static DeviceTopic commandResults(String serial) {
    return new DeviceTopic(serial, Kind.COMMAND_RESULTS);
  }

  /**
   * The topic name on the wire, e.g. {@code ups/AS1036123456/telemetry}; {@link #parse} gives it
   * back.
   */
  public String topic() {
    return PREFIX + serial + '/' + kind.suffix();
  }

  /** Whether the device itself may PUBLISH here (telemetry, events, command results). */
  public boolean publishableByDevice() {
    return kind == Kind.TELEMETRY || kind == Kind.EVENTS || kind == Kind.COMMAND_RESULTS;
  }

  /** Whether the device itself may SUBSCRIBE here (its commands topic only). */
  public boolean subscribableByDevice() {
    return kind == Kind.COMMANDS;
  }
}
