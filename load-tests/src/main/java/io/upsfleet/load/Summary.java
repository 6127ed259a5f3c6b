package io.upsfleet.load;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The human summary of a run, and the environment recorded with every result. */
final class Summary {
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

  private static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  static Map<String, Object> environment() {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("date", Instant.now().toString());
    e.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    e.put("cores", Runtime.getRuntime().availableProcessors());
    e.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    e.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return e;
  }

  @SuppressWarnings("unchecked")
  static void print(List<Map<String, Object>> runs, PrintStream out) {
    out.printf("%n  %-10s %5s %8s %9s %9s %10s %9s %9s %9s %11s %11s %6s%n", "target", "round", "devices",
        "connect s", "msg/s", "acked", "p50 ms", "p99 ms", "p99.9 ms", "target µs/m", "sim µs/msg", "behind");
    for (Map<String, Object> r : runs) {
      Map<String, Object> p = (Map<String, Object>) r.get("pubAckMs");
      out.printf("  %-10s %5s %8s %9s %9s %10s %9s %9s %9s %11s %11s %6s%n", r.get("target"), r.get("round"),
          r.get("devices"), r.get("connectSeconds"), r.get("messagesPerSecond"), r.get("acknowledged"), p.get("p50"),
          p.get("p99"), p.get("p999"), r.get("targetCpuMicrosPerMessage"), r.get("simulatorCpuMicrosPerMessage"),
          r.get("behindSchedule"));
    }
    for (Map<String, Object> r : runs) {
      if (r.get("outageWave") instanceof Map<?, ?> w) {
        Map<String, Object> p = (Map<String, Object>) w.get("pubAckMsDuringWave");
        out.printf("  outage wave: %s devices on battery at once; all committed and visible in %s s; PUBACK p99 %s ms"
            + " during the wave%n", w.get("devices"), w.get("allCommittedSeconds"), p.get("p99"));
      }
    }
    for (Map<String, Object> r : runs) {
      if (r.get("commandRoundTripMs") instanceof Map<?, ?> c) {
        out.printf("  command round trip (%s/s): p50 %s / p99 %s / p99.9 %s / max %s ms over %s commands, %s failed%n",
            c.get("perSecond"), c.get("p50"), c.get("p99"), c.get("p999"), c.get("max"), c.get("count"), c.get("failed"));
      }
    }
    double g = median(runs, "gateway");
    double m = median(runs, "mosquitto");
    if (g > 0 && m > 0) {
      out.printf("%n  gateway / Mosquitto CPU per message (medians): %.1f / %.1f µs = %.2fx%n", g, m, g / m);
    }
    out.println();
  }

  private static double median(List<Map<String, Object>> runs, String target) {
    double[] v = runs.stream().filter(r -> target.equals(r.get("target")))
        .map(r -> r.get("targetCpuMicrosPerMessage")).filter(x -> x instanceof Number)
        .mapToDouble(x -> ((Number) x).doubleValue()).sorted().toArray();
    return v.length == 0 ? -1 : v[v.length / 2];
  }
}
