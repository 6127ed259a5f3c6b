package io.upsfleet.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of processes: this JVM's own, and another's from {@code /proc/<pid>/stat} (Linux). */
final class CpuClock {
  private static final double TICK_NANOS = 1e9 / 100; // USER_HZ is 100 on Linux

  private CpuClock() {}

  /** This process's CPU time in nanoseconds. */
  static long self() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
    return -1;
  }

  /** Another process's CPU time (user + system) in nanoseconds, or -1 when unknown. */
  static long of(long pid) {
    if (pid <= 0) return -1;
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (long) ((Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
