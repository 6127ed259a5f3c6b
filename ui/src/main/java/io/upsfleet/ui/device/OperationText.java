package io.upsfleet.ui.device;

import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.OperationAllowanceView;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The console's words for remote operations: button labels, names in the command list, what an
 * operation will do (for the confirmation) and why one is not available now. Whether an operation
 * is allowed is the gateway's decision ({@code GET …/operations}); nothing here repeats its plan
 * rules. Pure; thread-safe.
 */
final class OperationText {
  /** The operations in the order of their buttons. */
  static final List<String> TYPES = CommandRequest.TYPES;

  static final String VIEWER = "Viewers cannot operate devices.";

  /** Shown until the gateway has said what the device may be asked. */
  static final String CHECKING = "Checking what this device can do…";

  /** Shown when the gateway does not list the operation at all. */
  static final String NOT_OFFERED = "The gateway does not offer this operation.";

  private static final int DEFAULT_OFF_DELAY = 5;
  private static final int DEFAULT_ON_DELAY = 10;
  private static final int DEFAULT_TTL = 3600;

  private OperationText() {}

  /** The label of an operation's button. */
  static String button(String type) {
    return switch (type) {
      case "OUTLET_GROUP_REBOOT" -> "Reboot outlet group";
      case "FIRMWARE_UPGRADE" -> "Upgrade firmware";
      case "SET_INPUT_SENSITIVITY" -> "Set input sensitivity";
      case "SELF_TEST" -> "Run self-test";
      default -> type;
    };
  }

  /** The name of an operation in the command list. */
  static String name(String type) {
    if (type == null) return "—";
    return switch (type) {
      case "OUTLET_GROUP_REBOOT" -> "Outlet group reboot";
      case "FIRMWARE_UPGRADE" -> "Firmware upgrade";
      case "SET_INPUT_SENSITIVITY" -> "Input sensitivity";
      case "SELF_TEST" -> "Self-test";
      case "FIRMWARE_OFFER" -> "Firmware offered on the UPS display";
      default -> type;
    };
  }

  /** The wire name of a request's operation. */
  static String type(CommandRequest r) {
    if (r instanceof CommandRequest.OutletGroupReboot) return "OUTLET_GROUP_REBOOT";
    if (r instanceof CommandRequest.FirmwareUpgrade) return "FIRMWARE_UPGRADE";
    if (r instanceof CommandRequest.SetInputSensitivity) return "SET_INPUT_SENSITIVITY";
    return "SELF_TEST";
  }

  /**
   * Why an operation cannot be asked now, as a sentence, or null when it can: the gateway's reason,
   * and the plan that would allow it when the plan is what stands in the way.
   */
  static String unavailable(OperationAllowanceView a) {
    if (a == null) return NOT_OFFERED;
    if (a.allowed()) return null;
    String text =
        a.reason() == null || a.reason().isBlank()
            ? "Not available on this device now."
            : sentence(a.reason());
    if (a.requiredPlan() != null) {
      String needs = "needs the " + DeviceFormat.plan(a.requiredPlan()) + " plan";
      if (!text.toLowerCase(Locale.ROOT).contains(needs.toLowerCase(Locale.ROOT))) {
        text = text + " " + sentence(needs);
      }
    }
    return text;
  }

  /**
   * The outlet groups a reboot may name: 0 (the main group) up to the model's count less one; 0–2
   * when the gateway did not say.
   */
  static List<Integer> outletGroups(Integer count) {
    int n = count == null || count < 1 ? 3 : count;
    return IntStream.range(0, n).boxed().toList();
  }

  static String outletGroup(Integer group) {
    return group != null && group == 0 ? "0 (main: everything)" : "Group " + group;
  }

  /**
   * What will happen, for the confirmation dialog.
   *
   * @param online whether the device is connected now
   */
  static String describe(CommandRequest r, boolean online) {
    String what;
    if (r instanceof CommandRequest.OutletGroupReboot o) {
      int off = o.offDelaySeconds() == null ? DEFAULT_OFF_DELAY : o.offDelaySeconds();
      int on = o.onDelaySeconds() == null ? DEFAULT_ON_DELAY : o.onDelaySeconds();
      String timing =
          " will be switched off after "
              + seconds(off)
              + " and on again "
              + seconds(on)
              + " later. ";
      what =
          Integer.valueOf(0).equals(o.group())
              ? "The main outlet group"
                  + timing
                  + "Everything connected to this UPS loses power meanwhile."
              : "Outlet group "
                  + o.group()
                  + timing
                  + "Equipment on that group loses power meanwhile.";
    } else if (r instanceof CommandRequest.FirmwareUpgrade f) {
      what =
          "The UPS will download and install "
              + (f.version() == null
                  ? "the newest firmware for its model"
                  : "firmware " + f.version())
              + " and restart. The connected load may not be protected by the battery during the upgrade.";
    } else if (r instanceof CommandRequest.SetInputSensitivity s) {
      what =
          "Input sensitivity will be set to "
              + s.sensitivity()
              + ". "
              + ("low".equals(s.sensitivity())
                  ? "The UPS tolerates poorer mains before switching to battery."
                  : "The UPS switches to battery sooner on poor mains.");
    } else {
      what =
          "The UPS will switch to battery briefly to test it. The load stays powered unless the "
              + "battery fails the test.";
    }
    int ttl = r.ttlSeconds() == null ? DEFAULT_TTL : r.ttlSeconds();
    String when =
        online
            ? " The device is online: the operation is sent now."
            : " The device is offline: the operation waits up to "
                + duration(ttl)
                + " for it to connect, then expires.";
    return what + when;
  }

  /** A sentence: first letter upper case, a full stop at the end. */
  static String sentence(String s) {
    String t = s.strip();
    if (t.isEmpty()) return t;
    t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
    char last = t.charAt(t.length() - 1);
    return last == '.' || last == '!' || last == '?' || last == '…' ? t : t + ".";
  }

  private static String seconds(int n) {
    return n == 1 ? "1 second" : n + " seconds";
  }

  private static String duration(int seconds) {
    if (seconds == 3600) return "one hour";
    if (seconds % 3600 == 0) return seconds / 3600 + " hours";
    if (seconds % 60 == 0) return seconds / 60 == 1 ? "1 minute" : seconds / 60 + " minutes";
    return seconds(seconds);
  }
}
