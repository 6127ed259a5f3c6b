package io.upsfleet.ui.device;

import io.upsfleet.ui.login.SignedInUser;
import java.util.Locale;

/**
 * What a user may ask of a device, and what each command will do, in words. Mirrors the gateway's
 * rules so that a button can be disabled with its reason before anyone clicks (the gateway still
 * decides: a refusal it sends is shown as it is). Plans: Standard adds self-test, firmware upgrade
 * and input sensitivity; Advanced adds outlet-group reboot; viewers operate nothing. Pure;
 * thread-safe.
 */
public final class CommandPolicy {
  /** The remote operations of the API. */
  public enum Command {
    OUTLET_GROUP_REBOOT("Reboot outlet group", "ADVANCED"),
    FIRMWARE_UPGRADE("Upgrade firmware", "STANDARD"),
    SET_INPUT_SENSITIVITY("Set input sensitivity", "STANDARD"),
    SELF_TEST("Run self-test", "STANDARD");

    private final String label;
    private final String plan;

    Command(String label, String plan) {
      this.label = label;
      this.plan = plan;
    }

    public String label() {
      return label;
    }

    /** The lowest plan that allows it. */
    public String plan() {
      return plan;
    }
  }

  /** Whether a command may be asked for; when not, {@code reason} says why. */
  public record Decision(boolean allowed, String reason) {
    static Decision yes() {
      return new Decision(true, null);
    }
  }

  private CommandPolicy() {}

  public static Decision decide(Command c, SignedInUser.Role role, String plan) {
    if (role == SignedInUser.Role.ACCOUNT_VIEWER)
      return new Decision(false, "Viewers cannot operate devices.");
    if (rank(plan) >= rank(c.plan())) return Decision.yes();
    String needs = title(c.plan());
    String on = plan == null ? "an unknown plan" : title(plan);
    if (c == Command.FIRMWARE_UPGRADE) {
      return new Decision(
          false,
          "Needs the "
              + needs
              + " plan (the device is on "
              + on
              + "); on Basic, start a firmware upgrade on the UPS's display.");
    }
    return new Decision(false, "Needs the " + needs + " plan; the device is on " + on + ".");
  }

  /**
   * What will happen, for the confirmation dialog.
   *
   * @param parameter the outlet group (0, 1, 2), the sensitivity, or the firmware version (may be
   *     null)
   * @param online whether the device is connected now
   */
  public static String describe(Command c, String parameter, boolean online) {
    String what =
        switch (c) {
          case OUTLET_GROUP_REBOOT ->
              "0".equals(parameter)
                  ? "The main outlet group will be switched off after 5 seconds and on again 10 seconds later. "
                      + "Everything connected to this UPS loses power meanwhile."
                  : "Outlet group "
                      + parameter
                      + " will be switched off after 5 seconds and on again 10 seconds later. "
                      + "Equipment on that group loses power meanwhile.";
          case FIRMWARE_UPGRADE ->
              "The UPS will download and install "
                  + (parameter == null
                      ? "the newest firmware for its model"
                      : "firmware " + parameter)
                  + " and restart. The connected load may not be protected by the battery during the upgrade.";
          case SET_INPUT_SENSITIVITY ->
              "Input sensitivity will be set to "
                  + parameter
                  + ". "
                  + ("low".equals(parameter)
                      ? "The UPS tolerates poorer mains before switching to battery."
                      : "The UPS switches to battery sooner on poor mains.");
          case SELF_TEST ->
              "The UPS will switch to battery briefly to test it. The load stays powered unless the "
                  + "battery fails the test.";
        };
    String when =
        online
            ? " The command is sent now."
            : " The device is offline: the command waits up to one hour for it to connect, then expires.";
    return what + when;
  }

  static int rank(String plan) {
    if (plan == null) return 0;
    return switch (plan.toUpperCase(Locale.ROOT)) {
      case "ADVANCED" -> 3;
      case "STANDARD" -> 2;
      case "BASIC" -> 1;
      default -> 0;
    };
  }

  /** A plan name as a title ({@code STANDARD} → {@code Standard}). */
  public static String title(String plan) {
    String p = plan.toLowerCase(Locale.ROOT);
    return Character.toUpperCase(p.charAt(0)) + p.substring(1);
  }
}
