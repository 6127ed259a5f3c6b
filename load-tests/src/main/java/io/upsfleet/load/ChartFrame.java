package io.upsfleet.load;

import static io.upsfleet.load.HtmlValues.round1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Geometry shared by the charts (a plot area with the legend to its right), their axes and frame.
 */
final class ChartFrame {
  private ChartFrame() {}

  /** Geometry shared by the charts: a plot area with the legend to its right. */
  static final int WIDTH = 960;

  static final int HEIGHT = 340;
  static final int LEFT = 72;
  static final int RIGHT = 770;
  static final int TOP = 16;
  static final int BOTTOM = 290;

  /** Grid, axes, tick labels and axis titles of a line chart. */
  static void frame(Html h, Axis x, Axis y, String xTitle, String yTitle) {
    yAxis(h, y, yTitle);
    for (double t : x.ticks()) {
      double tx = px(x, t);
      h.raw(
          "<line class=\"grid\" x1=\""
              + tx
              + "\" y1=\""
              + TOP
              + "\" x2=\""
              + tx
              + "\" y2=\""
              + BOTTOM
              + "\"/>");
      h.raw("<text x=\"" + tx + "\" y=\"" + (BOTTOM + 16) + "\" text-anchor=\"middle\">")
          .text(x.label(t))
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
    h.raw(
            "<text class=\"title\" x=\""
                + (LEFT + RIGHT) / 2
                + "\" y=\""
                + (BOTTOM + 38)
                + "\" text-anchor=\"middle\">")
        .text(xTitle)
        .raw("</text>\n");
  }

  /** Horizontal grid lines with labels, the y axis line and its title. */
  static void yAxis(Html h, Axis y, String title) {
    for (double t : y.ticks()) {
      double ty = py(y, t);
      h.raw(
          "<line class=\"grid\" x1=\""
              + LEFT
              + "\" y1=\""
              + ty
              + "\" x2=\""
              + RIGHT
              + "\" y2=\""
              + ty
              + "\"/>");
      h.raw("<text x=\"" + (LEFT - 6) + "\" y=\"" + (ty + 4) + "\" text-anchor=\"end\">")
          .text(y.label(t))
          .raw("</text>\n");
    }
    h.raw(
        "<line class=\"axis\" x1=\""
            + LEFT
            + "\" y1=\""
            + TOP
            + "\" x2=\""
            + LEFT
            + "\" y2=\""
            + BOTTOM
            + "\"/>\n");
    int cy = (TOP + BOTTOM) / 2;
    h.raw(
            "<text class=\"title\" x=\"16\" y=\""
                + cy
                + "\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
                + cy
                + ")\">")
        .text(title)
        .raw("</text>\n");
  }

  /**
   * The baseline of legend entry {@code row} of {@code rows}: 20 px apart, closer when that would
   * not fit.
   */
  static double legendY(int row, int rows) {
    return round1(TOP + 8 + row * Math.min(20.0, (double) (BOTTOM - TOP) / Math.max(1, rows)));
  }

  static double px(Axis x, double v) {
    return round1(LEFT + x.fraction(v) * (RIGHT - LEFT));
  }

  static double py(Axis y, double v) {
    return round1(BOTTOM - y.fraction(v) * (BOTTOM - TOP));
  }

  /**
   * An axis from {@code lo} to {@code hi}: linear with ticks every {@code step} (1, 2 or 5 times a
   * power of ten), or logarithmic (step 0) with ticks at 1, 2 and 5 times each power of ten (only
   * the powers when the range is wide).
   */
  record Axis(double lo, double hi, double step) {
    static Axis linear(double min, double max, int ticks) {
      if (!(max > min)) { // one value: centre it
        double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
        min = min == 0 ? 0 : min - pad;
        max += pad;
      }
      double step = niceStep((max - min) / ticks);
      return new Axis(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
    }

    /**
     * A log axis from the 1-2-5 value at or below {@code min} (> 0) to the one at or above {@code
     * max}.
     */
    static Axis log(double min, double max) {
      double lo = floor125(min);
      double hi = niceStep(max);
      return new Axis(lo, hi > lo ? hi : niceStep(lo * 1.5), 0);
    }

    /** 1, 2 or 5 times a power of ten, the smallest not below {@code raw}. */
    static double niceStep(double raw) {
      double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
      double n = raw / magnitude * (1 - 1e-9);
      return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
    }

    /** 1, 2 or 5 times a power of ten, the largest not above {@code v}. */
    static double floor125(double v) {
      double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
      double n = v / magnitude * (1 + 1e-9);
      return (n >= 5 ? 5 : n >= 2 ? 2 : 1) * magnitude;
    }

    boolean isLog() {
      return step == 0;
    }

    double fraction(double v) {
      return isLog() ? Math.log10(v / lo) / Math.log10(hi / lo) : (v - lo) / (hi - lo);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      if (isLog()) { // 1, 2 and 5 per decade; only the powers of ten (and the ends) when that would
        // be crowded
        boolean wide = Math.log10(hi / lo) > 3;
        for (int k = (int) Math.floor(Math.log10(lo)); Math.pow(10, k) <= hi * 1.0001; k++) {
          for (int m : new int[] {1, 2, 5}) {
            double v = m * Math.pow(10, k);
            boolean end = Math.abs(v / lo - 1) < 1e-6 || Math.abs(v / hi - 1) < 1e-6;
            if (v >= lo * 0.9999 && v <= hi * 1.0001 && (!wide || m == 1 || end)) ticks.add(v);
          }
        }
      } else {
        long n = Math.round((hi - lo) / step);
        for (long i = 0; i <= n; i++) ticks.add(lo + i * step);
      }
      return ticks;
    }

    String label(double v) {
      int decimals =
          isLog()
              ? Math.max(0, (int) -Math.floor(Math.log10(v) + 1e-9))
              : Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
      return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
  }
}
