package io.upsfleet.load;

import static io.upsfleet.load.ChartFrame.BOTTOM;
import static io.upsfleet.load.ChartFrame.LEFT;
import static io.upsfleet.load.ChartFrame.RIGHT;
import static io.upsfleet.load.ChartFrame.legendY;
import static io.upsfleet.load.ChartFrame.py;
import static io.upsfleet.load.ChartFrame.yAxis;
import static io.upsfleet.load.HtmlValues.fmt;
import static io.upsfleet.load.HtmlValues.round1;

import io.upsfleet.load.ChartFrame.Axis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Bars grouped by category (e.g. percentile), one bar per series in each group, on a log axis. */
final class BarChart {
  private record Series(String label, String colour, double[] values) {
    boolean hasData() {
      return Arrays.stream(values).anyMatch(Double::isFinite);
    }
  }

  private final List<String> groups;
  private final String yTitle;
  private final List<Series> series = new ArrayList<>();

  BarChart(List<String> groups, String yTitle) {
    this.groups = groups;
    this.yTitle = yTitle;
  }

  void series(String label, String colour, double[] values) {
    series.add(new Series(label, colour, values));
  }

  void render(Html h, String emptyNote) {
    List<Series> shown = series.stream().filter(Series::hasData).toList();
    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    for (Series s : shown) {
      for (double v : s.values) {
        if (Double.isFinite(v) && v > 0) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      h.raw("<p class=\"note\">").text(emptyNote).raw("</p>\n");
      return;
    }
    Axis y = Axis.log(min, max);
    h.svgOpen(yTitle);
    yAxis(h, y, yTitle);
    double groupWidth = (double) (RIGHT - LEFT) / groups.size();
    double barWidth = Math.min(36, groupWidth * 0.8 / shown.size());
    for (int g = 0; g < groups.size(); g++) {
      double x0 = LEFT + g * groupWidth + (groupWidth - barWidth * shown.size()) / 2;
      for (int i = 0; i < shown.size(); i++) {
        Series s = shown.get(i);
        double v = s.values[g];
        if (!Double.isFinite(v)) continue;
        double top = py(y, Math.max(v, y.lo()));
        double bx = round1(x0 + i * barWidth);
        h.raw(
                "<rect x=\""
                    + bx
                    + "\" y=\""
                    + top
                    + "\" width=\""
                    + round1(barWidth - 2)
                    + "\" height=\""
                    + round1(BOTTOM - top)
                    + "\" fill=\"")
            .raw(s.colour)
            .raw("\"><title>")
            .text(s.label + " " + groups.get(g) + ": " + fmt(v) + " ms")
            .raw("</title></rect>");
        double cx = round1(bx + (barWidth - 2) / 2);
        h.raw(
                "<text class=\"val\" x=\""
                    + cx
                    + "\" y=\""
                    + round1(top - 4)
                    + "\" text-anchor=\"middle\">")
            .text(fmt(v))
            .raw("</text>\n");
      }
      h.raw(
              "<text x=\""
                  + round1(LEFT + (g + 0.5) * groupWidth)
                  + "\" y=\""
                  + (BOTTOM + 20)
                  + "\" text-anchor=\"middle\" class=\"group\">")
          .text(groups.get(g))
          .raw("</text>\n");
    }
    h.raw(
        "<line class=\"axis\" x1=\""
            + LEFT
            + "\" y1=\""
            + BOTTOM
            + "\" x2=\""
            + RIGHT
            + "\" y2=\""
            + BOTTOM
            + "\"/>\n");
    int row = 0;
    for (Series s : shown) {
      double ly = legendY(row++, shown.size());
      h.raw(
              "<rect x=\""
                  + (RIGHT + 24)
                  + "\" y=\""
                  + (ly - 6)
                  + "\" width=\"24\" height=\"12\" fill=\"")
          .raw(s.colour)
          .raw("\"/>");
      h.raw("<text x=\"" + (RIGHT + 56) + "\" y=\"" + (ly + 4) + "\">")
          .text(s.label)
          .raw("</text>\n");
    }
    h.raw("</svg>\n");
  }
}
