package io.upsfleet.load;

import java.util.Locale;

/**
 * The progress display of a running scenario: one line rewritten in place on a terminal, or a line
 * every ten seconds when the output goes to a file or a pipe.
 */
final class Progress {
  private static final long QUIET_NANOS = 10_000_000_000L;
  private static boolean open;
  private static long lastPrinted;

  private Progress() {}

  static synchronized void line(String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    if (System.console() != null) {
      System.out.print("\r  " + text + "\u001b[K");
      System.out.flush();
      open = true;
    } else if (System.nanoTime() - lastPrinted > QUIET_NANOS) {
      System.out.println("  " + text);
      lastPrinted = System.nanoTime();
    }
  }

  static synchronized void done() {
    if (open) System.out.println();
    open = false;
  }
}
