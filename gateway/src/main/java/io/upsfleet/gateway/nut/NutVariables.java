package io.upsfleet.gateway.nut;

import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.operation.Operation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a device looks through NUT: its variables (the latest sample's NUT names, plus its identity),
 * the one writable variable ({@code input.sensitivity}), and the instant commands that map to
 * remote operations ({@code test.battery.start.quick|deep} → self-test, {@code load.cycle} and
 * {@code outlet.N.load.cycle} → outlet-group reboot).
 */
final class NutVariables {
  static final String SENSITIVITY = "input.sensitivity";
  static final List<String> SENSITIVITIES =
      List.of(
          Operation.Sensitivity.HIGH.wireName(),
          Operation.Sensitivity.MEDIUM.wireName(),
          Operation.Sensitivity.LOW.wireName());
  static final String MFR = "upsfleet";

  /** The outlet-group reboot's delays when asked through NUT (the API's defaults). */
  static final int OFF_DELAY = 5;

  static final int ON_DELAY = 10;

  private static final Pattern OUTLET_CYCLE = Pattern.compile("outlet\\.([1-9])\\.load\\.cycle");

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("ups.status", "UPS status"),
          Map.entry("ups.load", "Load on UPS (percent of full)"),
          Map.entry("ups.temperature", "UPS temperature (degrees C)"),
          Map.entry("ups.realpower", "Current value of real power (W)"),
          Map.entry("ups.power", "Current value of apparent power (VA)"),
          Map.entry("ups.firmware", "UPS firmware"),
          Map.entry("ups.model", "UPS model"),
          Map.entry("ups.serial", "UPS serial number"),
          Map.entry("ups.mfr", "UPS manufacturer"),
          Map.entry("ups.test.result", "Results of last self test"),
          Map.entry("battery.charge", "Battery charge (percent of full)"),
          Map.entry("battery.runtime", "Battery runtime (seconds)"),
          Map.entry("battery.voltage", "Battery voltage (V)"),
          Map.entry("battery.temperature", "Battery temperature (degrees C)"),
          Map.entry("battery.date", "Battery change date"),
          Map.entry("battery.date.maintenance", "Battery last maintenance date"),
          Map.entry("input.voltage", "Input voltage (V)"),
          Map.entry("input.frequency", "Input line frequency (Hz)"),
          Map.entry("input.sensitivity", "Input power sensitivity"),
          Map.entry("input.transfer.reason", "Reason for last transfer to battery"),
          Map.entry("output.voltage", "Output voltage (V)"),
          Map.entry("output.frequency", "Output frequency (Hz)"),
          Map.entry("output.current", "Output current (A)"),
          Map.entry("device.model", "Device model"),
          Map.entry("device.serial", "Device serial number"),
          Map.entry("device.mfr", "Device manufacturer"),
          Map.entry("device.type", "Device type (ups, pdu, scd, psu, ats)"),
          Map.entry("driver.name", "Driver name"));

  private static final Map<String, String> COMMAND_DESCRIPTIONS =
      Map.of(
          "test.battery.start.quick", "Start a quick battery test",
          "test.battery.start.deep", "Start a deep battery test",
          "load.cycle", "Power cycle the load (main outlet group)");

  private NutVariables() {}

  /** Every variable of a device that has a sample, by name. */
  static SortedMap<String, String> of(DeviceSnapshot s) {
    TreeMap<String, String> vars = new TreeMap<>();
    if (s.telemetry() != null) {
      s.telemetry().values().forEach((k, v) -> vars.put(k, render(v)));
    }
    vars.put("ups.status", StatusFlag.render(s.status()));
    vars.put("device.type", "ups");
    vars.put("device.mfr", MFR);
    vars.put("device.model", s.model());
    vars.put("device.serial", s.serial());
    vars.put("ups.mfr", MFR);
    vars.putIfAbsent("ups.model", s.model());
    vars.putIfAbsent("ups.serial", s.serial());
    if (s.firmware() != null) vars.put("ups.firmware", s.firmware());
    vars.put("driver.name", "upsfleet");
    if (s.desiredSensitivity() != null) vars.putIfAbsent(SENSITIVITY, s.desiredSensitivity());
    return vars;
  }

  /** A number as NUT shows it ({@code 100}, {@code 229.5}); strings as they are. */
  static String render(Object value) {
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) return d.toString();
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return String.valueOf(value);
  }

  /** The {@code GET TYPE} words of a variable (after {@code TYPE ups var}). */
  static String type(String name, String value) {
    if (SENSITIVITY.equals(name)) return "RW ENUM";
    if (!"ups.status".equals(name) && isNumber(value)) return "NUMBER";
    return "STRING:" + Math.max(64, value.length());
  }

  private static boolean isNumber(String v) {
    try {
      new BigDecimal(v);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String description(String name) {
    return DESCRIPTIONS.getOrDefault(name, "Description unavailable");
  }

  /** The instant commands of a device whose model has {@code outletGroups} groups (0 = main). */
  static List<String> commands(boolean selfTest, boolean reboot, int outletGroups) {
    TreeMap<String, Boolean> names = new TreeMap<>();
    if (reboot) {
      if (outletGroups >= 1) names.put("load.cycle", true);
      for (int g = 1; g < Math.min(outletGroups, 10); g++)
        names.put("outlet." + g + ".load.cycle", true);
    }
    if (selfTest) {
      names.put("test.battery.start.quick", true);
      names.put("test.battery.start.deep", true);
    }
    return List.copyOf(names.keySet());
  }

  static String commandDescription(String command) {
    String d = COMMAND_DESCRIPTIONS.get(command);
    if (d != null) return d;
    Matcher m = OUTLET_CYCLE.matcher(command);
    return m.matches() ? "Power cycle outlet group " + m.group(1) : "Description unavailable";
  }

  /** The operation an instant command asks for; empty when it is none of ours. */
  static Optional<Operation> operation(String command) {
    if (command.equals("test.battery.start.quick") || command.equals("test.battery.start.deep"))
      return Optional.of(new Operation.SelfTest());
    if (command.equals("load.cycle"))
      return Optional.of(new Operation.OutletGroupReboot(0, OFF_DELAY, ON_DELAY));
    Matcher m = OUTLET_CYCLE.matcher(command);
    if (m.matches())
      return Optional.of(
          new Operation.OutletGroupReboot(Integer.parseInt(m.group(1)), OFF_DELAY, ON_DELAY));
    return Optional.empty();
  }
}
