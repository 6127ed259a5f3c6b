package io.upsfleet.cluster.device;

import java.util.regex.Pattern;

/**
 * A whole-input check of the form {@code [class]{min,max}} over ASCII characters, such as a serial
 * number's {@code [A-Z0-9]{8,20}}: the same answer as the equivalent regular expression, without
 * its cost on the telemetry hot path (a table look-up per character instead of a matcher; the
 * regular expressions were a fifth of the gateway's CPU per sample). Immutable, thread-safe.
 */
final class CharClass {
  private final boolean[] allowed = new boolean[128];
  private final String members;
  private final int min;
  private final int max;

  private CharClass(String members, int min, int max) {
    this.members = members;
    this.min = min;
    this.max = max;
    for (int i = 0; i < members.length(); i++) {
      char from = members.charAt(i);
      char to = from;
      if (i + 2 < members.length() && members.charAt(i + 1) == '-') {
        to = members.charAt(i + 2);
        i += 2;
      }
      if (from > to || to > 127) {
        throw new IllegalArgumentException("not an ASCII class: " + members);
      }
      for (char c = from; c <= to; c++) allowed[c] = true;
    }
  }

  /**
   * A check that the whole input is {@code min} to {@code max} characters of {@code members}:
   * single characters and ranges such as {@code A-Z}; a {@code -} that ends the members is itself.
   *
   * @throws IllegalArgumentException when the members are not ASCII or a range is reversed
   */
  public static CharClass of(String members, int min, int max) {
    if (min < 0 || max < min) throw new IllegalArgumentException("bad length " + min + ".." + max);
    return new CharClass(members, min, max);
  }

  /** Whether all of {@code value} matches; false for null. */
  public boolean matches(CharSequence value) {
    if (value == null) return false;
    int n = value.length();
    if (n < min || n > max) return false;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !allowed[c]) return false;
    }
    return true;
  }

  /** The equivalent regular expression, e.g. {@code [A-Z0-9]{8,20}}, for messages. */
  public String regex() {
    String escaped =
        members.endsWith("-") ? members.substring(0, members.length() - 1) + "\\-" : members;
    return "[" + escaped + "]{" + min + "," + max + "}";
  }

  /** The equivalent compiled regular expression (for callers that need a {@link Pattern}). */
  public Pattern pattern() {
    return Pattern.compile(regex());
  }

  @Override
  public String toString() {
    return regex();
  }
}
