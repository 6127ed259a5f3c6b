package io.upsfleet.load;

import static io.upsfleet.load.ChartFrame.RIGHT;
import static io.upsfleet.load.ChartFrame.frame;
import static io.upsfleet.load.ChartFrame.legendY;
import static io.upsfleet.load.ChartFrame.px;
import static io.upsfleet.load.ChartFrame.py;
import static io.upsfleet.load.HtmlValues.num;

import io.upsfleet.load.ChartFrame.Axis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** A line chart of y over x per series, y from zero or on a log axis; gaps (NaN) break the line. */
final class LineChart {
  private record Series(String label, String colour, boolean dashed, double[] xs, double[] ys) {
    boolean hasData() {
      return Arrays.stream(ys).anyMatch(Double::isFinite);
    }
  }

  private final String xTitle;
  private final String yTitle;
  private final boolean log;
  private final List<Series> series = new ArrayList<>();
  private final List<Series> notes = new ArrayList<>();

  LineChart(String xTitle, String yTitle, boolean log) {
    this.xTitle = xTitle;
    this.yTitle = yTitle;
    this.log = log;
  }

  /**
   * Adds a series of the points' "second" (or position) against {@code y}; a null label keeps it
   * off the legend.
   */
  void series(
      String label,
      String colour,
      boolean dashed,
      List<Map<String, Object>> points,
      ToDoubleFunction<Map<String, Object>> y) {
    double[] xs = new double[points.size()];
    double[] ys = new double[points.size()];
    for (int i = 0; i < points.size(); i++) {
      double x = num(points.get(i).get("second"));
      xs[i] = Double.isFinite(x) ? x : i + 1;
      ys[i] = y.applyAsDouble(points.get(i));
    }
    series.add(new Series(label, colour, dashed, xs, ys));
  }

  /** A grey legend entry that explains a line style. */
  LineChart legendNote(String label, boolean dashed) {
    notes.add(new Series(label, "#555", dashed, new double[0], new double[0]));
    return this;
  }

  void render(Html h, String emptyNote) {
    double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
    double minY = 0, maxY = Double.NEGATIVE_INFINITY, minPositive = Double.POSITIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.xs.length; i++) {
        if (!Double.isFinite(s.ys[i])) continue;
        minX = Math.min(minX, s.xs[i]);
        maxX = Math.max(maxX, s.xs[i]);
        minY = Math.min(minY, s.ys[i]);
        maxY = Math.max(maxY, s.ys[i]);
        if (s.ys[i] > 0) minPositive = Math.min(minPositive, s.ys[i]);
      }
    }
    if (maxY == Double.NEGATIVE_INFINITY) {
      h.raw("<p class=\"note\">").text(emptyNote).raw("</p>\n");
      return;
    }
    Axis x = Axis.linear(minX, maxX, 10);
    Axis y =
        log && minPositive < Double.POSITIVE_INFINITY
            ? Axis.log(minPositive, maxY)
            : Axis.linear(minY, maxY, 6);
    h.svgOpen(yTitle);
    frame(h, x, y, xTitle, yTitle);
    for (Series s : series) {
      StringBuilder d = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < s.xs.length; i++) {
        if (!Double.isFinite(s.ys[i])) {
          pen = false;
          continue;
        }
        double v =
            y.isLog() ? Math.max(s.ys[i], y.lo()) : s.ys[i]; // zero sits on a log axis's floor
        d.append(pen ? 'L' : 'M').append(px(x, s.xs[i])).append(',').append(py(y, v));
        pen = true;
      }
      if (d.length() == 0) continue;
      h.raw("<path d=\"")
          .raw(d.toString())
          .raw("\" fill=\"none\" stroke=\"")
          .raw(s.colour)
          .raw(
              s.dashed
                  ? "\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\""
                  : "\" stroke-width=\"1.6\"")
          .raw(" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n");
    }
    List<Series> legend = new ArrayList<>();
    series.stream()
        .filter(s -> s.label != null && s.hasData())
        .forEach(legend::add); // runs without data left out
    legend.addAll(notes);
    int row = 0;
    for (Series s : legend) {
      double ly = legendY(row++, legend.size());
      h.raw(
              "<line x1=\""
                  + (RIGHT + 24)
                  + "\" y1=\""
                  + ly
                  + "\" x2=\""
                  + (RIGHT + 48)
                  + "\" y2=\""
                  + ly
                  + "\" stroke=\"")
          .raw(s.colour)
          .raw(s.dashed ? "\" stroke-dasharray=\"5 3\"" : "\"")
          .raw(" stroke-width=\"2.5\"/>");
      h.raw("<text x=\"" + (RIGHT + 56) + "\" y=\"" + (ly + 4) + "\">")
          .text(s.label)
          .raw("</text>\n");
    }
    h.raw("</svg>\n");
  }
}
