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

  /**
   * CPU time of every process whose command name is {@code comm} (e.g. all {@code postgres} back
   * ends, which come and go with connections), in nanoseconds; processes that end between two
   * readings drop out, so read it over windows in which the connection pool is stable.
   */
  static long ofCommand(String comm) {
    long total = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          String stat = Files.readString(d.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (open < 0 || close < open || !stat.substring(open + 1, close).equals(comm)) continue;
          String[] f = stat.substring(close + 2).split(" ");
          total += (long) ((Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS);
        } catch (IOException | RuntimeException gone) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return total;
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
