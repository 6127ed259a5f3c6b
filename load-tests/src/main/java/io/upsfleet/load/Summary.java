package io.upsfleet.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The human summary of a run, the median and min-max over repeated rounds, and the recorded
 * environment.
 */
final class Summary {
  /** The figures aggregated over rounds: name and where it is in a run's map. */
  private static final Map<String, Function<Map<String, Object>, Object>> FIGURES =
      new LinkedHashMap<>();

  static {
    FIGURES.put("connectSeconds", r -> r.get("connectSeconds"));
    FIGURES.put("connAckP99Ms", r -> at(r, "connAckMs", "p99"));
    FIGURES.put("heapPerDeviceKb", r -> r.get("heapPerDeviceKb"));
    FIGURES.put("messagesPerSecond", r -> r.get("messagesPerSecond"));
    FIGURES.put("pubAckP50Ms", r -> at(r, "pubAckMs", "p50"));
    FIGURES.put("pubAckP99Ms", r -> at(r, "pubAckMs", "p99"));
    FIGURES.put("pubAckP999Ms", r -> at(r, "pubAckMs", "p999"));
    FIGURES.put("pubAckMaxMs", r -> at(r, "pubAckMs", "max"));
    FIGURES.put("targetCpuMicrosPerMessage", r -> r.get("targetCpuMicrosPerMessage"));
    FIGURES.put("postgresCpuMicrosPerMessage", r -> r.get("postgresCpuMicrosPerMessage"));
    FIGURES.put("simulatorCpuMicrosPerMessage", r -> r.get("simulatorCpuMicrosPerMessage"));
    FIGURES.put("outageAllCommittedSeconds", r -> at(r, "outageWave", "allCommittedSeconds"));
    FIGURES.put("outagePubAckP99Ms", r -> at(r, "outageWave", "pubAckMsDuringWave", "p99"));
    FIGURES.put(
        "notifyCoveredP50Ms", r -> at(r, "outageWave", "notifications", "coveredMs", "p50"));
    FIGURES.put(
        "notifyCoveredP99Ms", r -> at(r, "outageWave", "notifications", "coveredMs", "p99"));
    FIGURES.put("notifyNeverCovered", r -> at(r, "outageWave", "notifications", "neverCovered"));
    FIGURES.put(
        "notifyMaxIncidentMessagesPerSitePerMinute",
        r -> at(r, "outageWave", "notifications", "maxIncidentMessagesPerSitePerMinute"));
    FIGURES.put("commandP50Ms", r -> at(r, "commandRoundTripMs", "p50"));
    FIGURES.put("commandP99Ms", r -> at(r, "commandRoundTripMs", "p99"));
    FIGURES.put("commandP999Ms", r -> at(r, "commandRoundTripMs", "p999"));
    FIGURES.put("failoverServedAgainSeconds", r -> at(r, "failover", "allServedAgainSeconds"));
  }

  private Summary() {}

  /** p50 / p99 / p99.9 / max of a histogram in nanoseconds, as milliseconds. */
  static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    m.put("p50", ms(h.getValueAtPercentile(50)));
    m.put("p99", ms(h.getValueAtPercentile(99)));
    m.put("p999", ms(h.getValueAtPercentile(99.9)));
    m.put("max", ms(h.getMaxValue()));
    return m;
  }

  static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  /**
   * Per target, every figure's median and min-max over the rounds ({@code {"median", "min", "max",
   * "n"}}), and the gateway / Mosquitto ratio of the median CPU per message when both ran.
   */
  static Map<String, Object> aggregate(List<Map<String, Object>> runs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String target : List.of("gateway", "mosquitto")) {
      Map<String, Object> figures = new LinkedHashMap<>();
      for (var f : FIGURES.entrySet()) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> r : runs) {
          if (target.equals(r.get("target")) && f.getValue().apply(r) instanceof Number n)
            values.add(n.doubleValue());
        }
        if (values.isEmpty()) continue;
        values.sort(Double::compare);
        Map<String, Object> agg = new LinkedHashMap<>();
        agg.put("median", median(values));
        agg.put("min", values.get(0));
        agg.put("max", values.get(values.size() - 1));
        agg.put("n", values.size());
        figures.put(f.getKey(), agg);
      }
      if (!figures.isEmpty()) out.put(target, figures);
    }
    Double g = medianOf(out, "gateway", "targetCpuMicrosPerMessage");
    Double m = medianOf(out, "mosquitto", "targetCpuMicrosPerMessage");
    if (g != null && m != null && m > 0)
      out.put("cpuRatioGatewayToMosquitto", Math.round(g / m * 100) / 100.0);
    return out;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    double v = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return Math.round(v * 100) / 100.0;
  }

  @SuppressWarnings("unchecked")
  private static Double medianOf(Map<String, Object> summary, String target, String figure) {
    if (summary.get(target) instanceof Map<?, ?> t
        && t.get(figure) instanceof Map<?, ?> f
        && f.get("median") instanceof Number n) {
      return n.doubleValue();
    }
    return null;
  }

  private static Object at(Map<String, Object> map, String... path) {
    Object v = map;
    for (String k : path) {
      if (!(v instanceof Map<?, ?> m)) return null;
      v = m.get(k);
    }
    return v;
  }

  /**
   * The date, JVM, machine, commit and the gateway's command line (its JVM flags), recorded with
   * every result.
   */
  static Map<String, Object> environment(long gatewayPid) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("date", Instant.now().toString());
    e.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    e.put("cores", Runtime.getRuntime().availableProcessors());
    e.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    e.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    e.put("commit", commit());
    if (gatewayPid > 0) {
      try {
        byte[] raw = Files.readAllBytes(Path.of("/proc/" + gatewayPid + "/cmdline"));
        e.put("gatewayCommand", new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
      } catch (IOException | RuntimeException unknown) {
        e.put("gatewayCommand", null);
      }
    }
    return e;
  }

  private static String commit() {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  @SuppressWarnings("unchecked")
  static void print(List<Map<String, Object>> runs, Map<String, Object> summary, PrintStream out) {
    out.printf(
        "%n  %-10s %5s %8s %9s %9s %10s %9s %9s %9s %11s %9s %11s %6s%n",
        "target",
        "round",
        "devices",
        "connect s",
        "msg/s",
        "acked",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "target µs/m",
        "pg µs/m",
        "sim µs/msg",
        "behind");
    for (Map<String, Object> r : runs) {
      Map<String, Object> p = (Map<String, Object>) r.get("pubAckMs");
      out.printf(
          "  %-10s %5s %8s %9s %9s %10s %9s %9s %9s %11s %9s %11s %6s%n",
          r.get("target"),
          r.get("round"),
          r.get("devices"),
          r.get("connectSeconds"),
          r.get("messagesPerSecond"),
          r.get("acknowledged"),
          p.get("p50"),
          p.get("p99"),
          p.get("p999"),
          r.get("targetCpuMicrosPerMessage"),
          r.get("postgresCpuMicrosPerMessage"),
          r.get("simulatorCpuMicrosPerMessage"),
          r.get("behindSchedule"));
    }
    for (Map<String, Object> r : runs) {
      if (r.get("outageWave") instanceof Map<?, ?> w) {
        Map<String, Object> p = (Map<String, Object>) w.get("pubAckMsDuringWave");
        out.printf(
            "  outage wave: %s devices on battery at once; all committed and visible in %s s; PUBACK p99 %s ms"
                + " during the wave%n",
            w.get("devices"), w.get("allCommittedSeconds"), p.get("p99"));
      }
      if (r.get("commandRoundTripMs") instanceof Map<?, ?> c) {
        out.printf(
            "  command round trip (%s/s): p50 %s / p99 %s / p99.9 %s / max %s ms over %s commands, %s failed%n",
            c.get("perSecond"),
            c.get("p50"),
            c.get("p99"),
            c.get("p999"),
            c.get("max"),
            c.get("count"),
            c.get("failed"));
      }
      if (r.get("failover") instanceof Map<?, ?> f) {
        out.printf(
            "  failover: killed %s at second %s; lowest online afterwards %s; every device served again after %s s%n",
            f.get("killedPid"),
            f.get("killedAtSecond"),
            f.get("lowestOnlineAfterKill"),
            f.get("allServedAgainSeconds"));
      }
    }
    if (runs.size() > 1) {
      out.printf("%n  median [min-max] over rounds:%n");
      for (var t : summary.entrySet()) {
        if (!(t.getValue() instanceof Map<?, ?> figures)) continue;
        for (var f : figures.entrySet()) {
          Map<String, Object> a = (Map<String, Object>) f.getValue();
          out.printf(
              "  %-10s %-30s %10s  [%s - %s]  n=%s%n",
              t.getKey(), f.getKey(), a.get("median"), a.get("min"), a.get("max"), a.get("n"));
        }
      }
    }
    if (summary.get("cpuRatioGatewayToMosquitto") instanceof Number ratio) {
      out.printf("%n  gateway / Mosquitto CPU per message (medians): %sx%n", ratio);
    }
    out.println();
  }
}
