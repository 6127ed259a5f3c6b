package io.upsfleet.load;

import static io.upsfleet.load.HtmlValues.num;

import java.util.List;
import java.util.Map;

/** PUBACK p99 (solid) and p50 (dashed) per second of the measured window, log scale. */
final class LatencyChart {
  private LatencyChart() {}

  static void render(Html h, List<HtmlRun> runs) {
    LineChart c =
        new LineChart(
            "second of the measured window", "PUBACK ms (log scale; p99 solid, p50 dashed)", true);
    for (HtmlRun r : runs) {
      List<Map<String, Object>> t = r.points("timeline");
      c.series(r.label(), r.colour(), false, t, p -> num(p.get("p99")));
      c.series(null, r.colour(), true, t, p -> num(p.get("p50")));
    }
    c.legendNote("p99", false).legendNote("p50", true);
    c.render(h, "No run has a per-second timeline; latency chart skipped.");
  }
}
