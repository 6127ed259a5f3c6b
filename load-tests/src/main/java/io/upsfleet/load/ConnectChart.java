package io.upsfleet.load;

import static io.upsfleet.load.HtmlValues.num;

import java.util.List;

/** Devices online since the first CONNECT, one line per run. */
final class ConnectChart {
  private ConnectChart() {}

  static void render(Html h, List<HtmlRun> runs) {
    LineChart c = new LineChart("seconds since the first CONNECT", "devices online", false);
    for (HtmlRun r : runs) {
      c.series(
          r.label(), r.colour(), false, r.points("connectTimeline"), p -> num(p.get("online")));
    }
    c.render(h, "No run has a connect timeline; connect chart skipped.");
  }
}
