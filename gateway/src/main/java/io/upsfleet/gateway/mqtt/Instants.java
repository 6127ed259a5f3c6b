package io.upsfleet.gateway.mqtt;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses a payload's {@code ts}: the same answer as {@link Instant#parse}, with a fast path for the
 * form every device sends ({@code 2026-11-28T10:00:00Z}, optionally with 1 to 9 fraction digits).
 * {@code Instant.parse} goes through a {@code DateTimeFormatter} and was a tenth of the gateway's
 * CPU per telemetry sample; anything outside the plain form (offsets, leap seconds, years beyond
 * four digits, invalid input) is left to it. Thread-safe; no instances.
 */
final class Instants {
  private Instants() {}

  /**
   * @throws DateTimeException when {@code text} is not an ISO-8601 instant
   */
  static Instant parse(String text) {
    Instant fast = plain(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /** The instant of a plain {@code yyyy-MM-ddTHH:mm:ss[.f]Z}, or null for any other text. */
  private static Instant plain(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') return null;
    if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T') return null;
    if (s.charAt(13) != ':' || s.charAt(16) != ':') return null;
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return null;
    if (minute < 0 || minute > 59 || second < 0 || second > 59) return null;
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21; // between the '.' and the 'Z'
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) return null;
      nanos = digits(s, 20, fraction);
      if (nanos < 0) return null;
      for (int i = fraction; i < 9; i++) nanos *= 10;
    }
    LocalDate date;
    try {
      date = LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null; // such as 30 February: Instant.parse gives the precise error
    }
    long seconds = date.toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The value of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
