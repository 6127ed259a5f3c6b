package io.upsfleet.cluster.report;

import java.io.IOException;

/** Writes a report row by row; not thread-safe (one writer per download). */
public interface ReportWriter extends AutoCloseable {
  void write(ReportRow row) throws IOException;

  /** Finishes the file and closes the stream. */
  @Override
  void close() throws IOException;

  /**
   * A text cell made safe for spreadsheets: a value starting with {@code =}, {@code +}, {@code -},
   * {@code @}, a tab or a carriage return would be read as a formula (OWASP "CSV injection"), so it
   * gets a leading apostrophe.
   */
  static String neutralised(String s) {
    if (s == null || s.isEmpty()) return s;
    char c = s.charAt(0);
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
  }
}
