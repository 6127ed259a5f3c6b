package io.upsfleet.cluster.operation;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.upsfleet.cluster.CborSerializable;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a UPS can be asked to do (DOMAIN.md §6), typed: one record per operation with its validated
 * parameters. The persisted form ({@link #type()} and {@link #params()}, kept in {@link
 * DeviceCommand}) and the device's MQTT payload are both derived from it; {@link #of} reads the
 * persisted form back.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Operation.OutletGroupReboot.class, name = "OUTLET_GROUP_REBOOT"),
  @JsonSubTypes.Type(value = Operation.FirmwareUpgrade.class, name = "FIRMWARE_UPGRADE"),
  @JsonSubTypes.Type(value = Operation.SetInputSensitivity.class, name = "SET_INPUT_SENSITIVITY"),
  @JsonSubTypes.Type(value = Operation.SelfTest.class, name = "SELF_TEST"),
  @JsonSubTypes.Type(value = Operation.FirmwareOffer.class, name = "FIRMWARE_OFFER")
})
public sealed interface Operation extends CborSerializable {

  /** The kind of operation (its plan feature and execution time-out). */
  CommandType type();

  /** The parameters as persisted strings, e.g. {@code group=1}. */
  SortedMap<String, String> params();

  /**
   * Switches the outlet group off after {@code offDelaySeconds}, on again {@code onDelaySeconds}
   * later. Group 0 is the main outlet group.
   */
  record OutletGroupReboot(int group, int offDelaySeconds, int onDelaySeconds)
      implements Operation {
    public static final int MAX_OFF_DELAY = 600;
    public static final int MAX_ON_DELAY = 3600;

    public OutletGroupReboot {
      if (group < 0) throw new IllegalArgumentException("group must be 0 or more");
      if (offDelaySeconds < 0 || offDelaySeconds > MAX_OFF_DELAY)
        throw new IllegalArgumentException("offDelaySeconds must be 0 to " + MAX_OFF_DELAY);
      if (onDelaySeconds < 0 || onDelaySeconds > MAX_ON_DELAY)
        throw new IllegalArgumentException("onDelaySeconds must be 0 to " + MAX_ON_DELAY);
    }

    @Override
    public CommandType type() {
      return CommandType.OUTLET_GROUP_REBOOT;
    }

    @Override
    public SortedMap<String, String> params() {
      return paramsOf(
          "group", Integer.toString(group),
          "offDelaySeconds", Integer.toString(offDelaySeconds),
          "onDelaySeconds", Integer.toString(onDelaySeconds));
    }
  }

  /**
   * Installs firmware {@code version}; null asks for the catalogue's version for the device (the
   * policy resolves it). {@code loadUnprotected} tells the device the load is not battery-protected
   * during the upgrade (resolved from the catalogue, false until then).
   */
  record FirmwareUpgrade(String version, boolean loadUnprotected) implements Operation {
    @Override
    public CommandType type() {
      return CommandType.FIRMWARE_UPGRADE;
    }

    @Override
    public SortedMap<String, String> params() {
      TreeMap<String, String> p = new TreeMap<>();
      if (version != null) {
        p.put("version", version);
        p.put("loadUnprotected", Boolean.toString(loadUnprotected));
      }
      return p;
    }
  }

  /**
   * Shows firmware {@code version} on the UPS's display for a person to install from its LCD (the
   * way firmware reaches a device on Basic); {@code loadUnprotected} as in {@link FirmwareUpgrade}.
   */
  record FirmwareOffer(String version, boolean loadUnprotected) implements Operation {
    public FirmwareOffer {
      if (version == null || version.isBlank())
        throw new IllegalArgumentException("version is required");
    }

    @Override
    public CommandType type() {
      return CommandType.FIRMWARE_OFFER;
    }

    @Override
    public SortedMap<String, String> params() {
      return paramsOf("version", version, "loadUnprotected", Boolean.toString(loadUnprotected));
    }
  }

  /** Sets the input-voltage sensitivity. */
  record SetInputSensitivity(Sensitivity level) implements Operation {
    public SetInputSensitivity {
      if (level == null) throw new IllegalArgumentException("level is required");
    }

    @Override
    public CommandType type() {
      return CommandType.SET_INPUT_SENSITIVITY;
    }

    @Override
    public SortedMap<String, String> params() {
      return paramsOf("sensitivity", level.wireName());
    }
  }

  /** Runs the battery self-test. */
  record SelfTest() implements Operation {
    @Override
    public CommandType type() {
      return CommandType.SELF_TEST;
    }

    @Override
    public SortedMap<String, String> params() {
      return new TreeMap<>();
    }
  }

  /** Input-voltage sensitivity levels; the wire form is lower case. */
  enum Sensitivity {
    HIGH,
    MEDIUM,
    LOW;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The level for a wire name ({@code high|medium|low}), if it is one. */
    public static Optional<Sensitivity> fromWire(String s) {
      for (Sensitivity v : values()) if (v.wireName().equals(s)) return Optional.of(v);
      return Optional.empty();
    }
  }

  /**
   * The operation of a persisted {@code type} and {@code params} (commands persisted before
   * operations were typed read the same way).
   *
   * @throws IllegalArgumentException when the parameters do not make that operation
   */
  static Operation of(CommandType type, Map<String, String> params) {
    return switch (type) {
      case OUTLET_GROUP_REBOOT ->
          new OutletGroupReboot(
              integer(params, "group", 0),
              integer(params, "offDelaySeconds", 5),
              integer(params, "onDelaySeconds", 10));
      case FIRMWARE_UPGRADE ->
          new FirmwareUpgrade(
              params.get("version"), Boolean.parseBoolean(params.get("loadUnprotected")));
      case SET_INPUT_SENSITIVITY ->
          new SetInputSensitivity(
              Sensitivity.fromWire(params.get("sensitivity"))
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "sensitivity must be one of high, medium, low")));
      case SELF_TEST -> new SelfTest();
      case FIRMWARE_OFFER ->
          new FirmwareOffer(
              params.get("version"), Boolean.parseBoolean(params.get("loadUnprotected")));
    };
  }

  private static int integer(Map<String, String> params, String key, int fallback) {
    String v = params.get(key);
    if (v == null) return fallback;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number", e);
    }
  }

  private static SortedMap<String, String> paramsOf(String... keysAndValues) {
    TreeMap<String, String> p = new TreeMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) p.put(keysAndValues[i], keysAndValues[i + 1]);
    return p;
  }
}
