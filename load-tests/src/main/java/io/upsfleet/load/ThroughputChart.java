package io.upsfleet.load;

import static io.upsfleet.load.HtmlValues.num;

import java.util.List;

/** Acknowledged messages per second of the measured window, one line per run. */
final class ThroughputChart {
  private ThroughputChart() {}

  static void render(Html h, List<HtmlRun> runs) {
    LineChart c = new LineChart("second of the measured window", "acknowledged msg/s", false);
    for (HtmlRun r : runs) {
      c.series(r.label(), r.colour(), false, r.points("timeline"), p -> num(p.get("acked")));
    }
    c.render(h, "No run has a per-second timeline; throughput chart skipped.");
  }
}
