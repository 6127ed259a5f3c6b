package io.upsfleet.api;

import java.util.regex.Pattern;

/**
 * The one definition of a valid UPS serial number (DOMAIN.md §1): an opaque string of 8 to 20
 * upper-case ASCII letters and digits, e.g. {@code AS1036123456}. Every topic, route and form that
 * carries a serial validates it here. Thread-safe; no instances.
 */
public final class Serials {

  /** A whole serial number: {@code [A-Z0-9]{8,20}}. Match it against the entire input. */
  public static final Pattern PATTERN = Pattern.compile("[A-Z0-9]{8,20}");

  private Serials() {}

  /** Whether {@code serial} is a well-formed serial number; false for null. */
  public static boolean isValid(String serial) {
    if (serial == null || serial.length() < 8 || serial.length() > 20) return false;
    // By hand rather than PATTERN: this runs for every MQTT publish (the topic names the serial).
    for (int i = 0; i < serial.length(); i++) {
      char c = serial.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) return false;
    }
    return true;
  }
}
