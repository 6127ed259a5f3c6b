package io.upsfleet.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The used heap of another JVM (the gateway) right after a full collection, through {@code jcmd} of
 * the JDK running the harness: {@code GC.run}, then {@code GC.heap_info}. The difference before and
 * after connecting a fleet, divided by its size, is the heap per connected device (connection +
 * session + entity).
 */
final class HeapProbe {
  /**
   * G1: {@code garbage-first heap total 2097152K, used 215432K}; ZGC: {@code ZHeap used 226M,
   * capacity ...}. Other collectors report generations separately and read as unknown.
   */
  private static final Pattern USED =
      Pattern.compile(
          "(?:garbage-first heap\\s+total\\s+\\d+K, used (\\d+)K)|(?:ZHeap\\s+used (\\d+)M)");

  private HeapProbe() {}

  /**
   * Used heap in bytes after a full GC, or -1 when it cannot be read (no jcmd, other user). Only
   * for a JVM: jcmd signals its target with SIGQUIT, which ends most other processes.
   */
  static long usedAfterGc(long pid) {
    if (pid <= 0) return -1;
    try {
      jcmd(pid, "GC.run");
      return parseUsed(jcmd(pid, "GC.heap_info"));
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The used heap in bytes from {@code GC.heap_info} output, or -1. */
  static long parseUsed(String heapInfo) {
    Matcher m = USED.matcher(heapInfo);
    if (!m.find()) return -1;
    return m.group(1) != null
        ? Long.parseLong(m.group(1)) * 1024
        : Long.parseLong(m.group(2)) * 1024 * 1024;
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
