package io.upsfleet.load;

import static io.upsfleet.load.HtmlValues.num;

import java.util.List;
import java.util.Map;

/** PUBACK p50, p99 and p99.9 of each run as grouped bars, log scale. */
final class PercentileBarsChart {
  private PercentileBarsChart() {}

  static void render(Html h, List<HtmlRun> runs) {
    String[] keys = {"p50", "p99", "p999"};
    BarChart c = new BarChart(List.of("p50", "p99", "p99.9"), "PUBACK ms (log scale)");
    for (HtmlRun r : runs) {
      Map<String, Object> p = r.sub("pubAckMs");
      double[] values = new double[keys.length];
      for (int i = 0; i < keys.length; i++) values[i] = num(p.get(keys[i]));
      c.series(r.label(), r.colour(), values);
    }
    c.render(h, "No run has PUBACK percentiles; bar chart skipped.");
  }
}
