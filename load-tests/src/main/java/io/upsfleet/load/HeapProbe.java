package io.upsfleet.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of another JVM (the gateway), through {@code jcmd} of the JDK running the harness:
 * {@code GC.class_histogram}, which collects the whole heap and then counts the objects still
 * reachable (its {@code Total} line). The difference before and after connecting a fleet, divided
 * by its size, is the heap per connected device (connection + session + entity). {@code GC.run}
 * then {@code GC.heap_info}, used before 2026-12-07, read ZGC's "used" figure, which counts what
 * was allocated while the concurrent cycle ran: six rounds of the same quiet 19 500-device fleet
 * read 9.5 – 20.9 KiB per device.
 */
final class HeapProbe {
  private HeapProbe() {}

  /**
   * Live heap in bytes after a full GC, or -1 when it cannot be read (no jcmd, other user). Only
   * for a JVM: jcmd signals its target with SIGQUIT, which ends most other processes.
   */
  static long usedAfterGc(long pid) {
    if (pid <= 0) return -1;
    try {
      return parseLive(jcmd(pid, "GC.class_histogram"));
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  /** The live bytes from {@code GC.class_histogram} output (its {@code Total} line), or -1. */
  static long parseLive(String histogram) {
    Matcher m = TOTAL.matcher(histogram);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path bin = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(bin.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("jcmd " + command + " timed out");
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
