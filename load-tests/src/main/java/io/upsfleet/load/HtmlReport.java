package io.upsfleet.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The self-contained HTML report of a benchmark: the same document as the JSON report, rendered as
 * one page with inline CSS and inline SVG charts. It loads nothing (no scripts, fonts, style sheets
 * or images), so it opens offline in any browser and can be attached to an issue or archived as is.
 *
 * <p>The document is the Jackson tree the harness writes: maps, lists, strings, numbers, booleans
 * and nulls. Every key may be missing or null; what is missing is shown as a dash, and a chart no
 * run has data for is replaced by a note.
 */
final class HtmlReport {
  private HtmlReport() {}

  private static final String DASH = "–";

  /**
   * Colour families per target (the first target seen gets the first family), a shade per run of
   * that target.
   */
  private static final String[][] PALETTE = {
    {"#1f6fb4", "#5aa3e0", "#0b4274", "#8cc4f0"}, // blues
    {"#e6550d", "#f59b52", "#a33a05", "#fdc08a"}, // oranges
    {"#2ca02c", "#7bcf6a", "#19631a", "#b2e6a4"}, // greens
    {"#8e44ad", "#c08bd8", "#5b2a70", "#dcc1ea"}, // purples
    {"#7f7f7f", "#b5b5b5", "#4d4d4d", "#d6d6d6"}, // greys
  };

  /** Writes the page for {@code doc} (the JSON report's tree) to {@code file}, in UTF-8. */
  static void write(Map<String, Object> doc, Path file) throws IOException {
    Files.writeString(file, render(doc), StandardCharsets.UTF_8);
  }

  /** The page for {@code doc}; never throws on a missing or oddly typed key. */
  static String render(Map<String, ?> doc) {
    Map<String, Object> d = map(doc);
    Map<String, Object> env = map(d.get("environment"));
    List<Run> runs = runs(d.get("runs"));

    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<title>upsfleet load report")
        .text(env.get("date") == null ? "" : " " + text(env.get("date")))
        .raw("</title>\n<style>")
        .raw(CSS)
        .raw("</style>\n</head>\n<body>\n");
    h.raw("<h1>upsfleet load report</h1>\n");
    h.raw("<p class=\"sub\">").text(subtitle(env, runs)).raw("</p>\n");

    h.raw("<div class=\"cols\">\n");
    h.raw("<section><h2>Environment</h2>\n");
    keyValueTable(h, env);
    h.raw("</section>\n<section><h2>Settings</h2>\n");
    keyValueTable(h, map(d.get("settings")));
    h.raw("</section>\n</div>\n");

    if (d.get("summary") instanceof Map<?, ?> summary) {
      h.raw("<h2>Summary</h2>\n");
      summaryTable(h, map(summary));
    }

    h.raw("<h2>Runs</h2>\n");
    cpuRatio(h, runs);
    runsTable(h, runs);

    h.raw("<h2>Throughput</h2>\n");
    throughputChart(h, runs);
    h.raw("<h2>PUBACK latency</h2>\n");
    latencyChart(h, runs);
    h.raw("<h2>Connect</h2>\n");
    connectChart(h, runs);
    h.raw("<h2>PUBACK percentiles per run</h2>\n");
    percentileBars(h, runs);

    if (runs.stream().anyMatch(r -> r.data.get("outageWave") instanceof Map)) {
      h.raw("<h2>Outage wave</h2>\n");
      outageTable(h, runs);
    }
    if (runs.stream().anyMatch(r -> r.data.get("commandRoundTripMs") instanceof Map)) {
      h.raw("<h2>Command round trip</h2>\n");
      commandTable(h, runs);
    }
    h.raw("</body>\n</html>\n");
    return h.toString();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Runs

  /** One run of the document with its label and chart colour. */
  private record Run(Map<String, Object> data, String label, String colour) {
    double num(String key) {
      return HtmlReport.num(data.get(key));
    }

    Map<String, Object> sub(String key) {
      return map(data.get(key));
    }

    List<Map<String, Object>> points(String key) {
      List<Map<String, Object>> points = new ArrayList<>();
      if (data.get(key) instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof Map<?, ?>) points.add(map(o));
        }
      }
      return points;
    }
  }

  private static List<Run> runs(Object value) {
    List<Run> runs = new ArrayList<>();
    if (!(value instanceof List<?> list)) return runs;
    Map<String, Integer> families = new LinkedHashMap<>();
    Map<String, Integer> shades = new LinkedHashMap<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?>)) continue;
      Map<String, Object> r = map(o);
      String target = r.get("target") == null ? "run" : text(r.get("target"));
      int family = families.computeIfAbsent(target, t -> families.size()) % PALETTE.length;
      int shade = shades.merge(target, 1, Integer::sum) - 1;
      String label =
          r.get("target") == null
              ? "run " + (runs.size() + 1)
              : target + (r.get("round") == null ? "" : " #" + text(r.get("round")));
      runs.add(new Run(r, label, PALETTE[family][shade % PALETTE[family].length]));
    }
    return runs;
  }

  private static String subtitle(Map<String, Object> env, List<Run> runs) {
    List<String> parts = new ArrayList<>();
    if (env.get("date") != null) parts.add(text(env.get("date")));
    if (env.get("commit") != null) parts.add("commit " + text(env.get("commit")));
    parts.add(runs.size() + (runs.size() == 1 ? " run" : " runs"));
    return String.join(" · ", parts);
  }

  /**
   * The ratio of the median target CPU per message, gateway over Mosquitto, when both were
   * measured.
   */
  private static void cpuRatio(Html h, List<Run> runs) {
    double g = median(runs, "gateway");
    double m = median(runs, "mosquitto");
    if (Double.isNaN(g) || Double.isNaN(m) || m <= 0) return;
    h.raw("<p class=\"ratio\">").text(ratioText(g, m)).raw("</p>\n");
  }

  /**
   * The sentence {@link #cpuRatio} shows, for medians {@code g} (gateway) and {@code m}
   * (Mosquitto).
   */
  private static String ratioText(double g, double m) {
    return String.format(
        Locale.ROOT,
        "gateway / mosquitto target CPU per message (medians): %.1f / %.1f µs = %.2f×",
        g,
        m,
        g / m);
  }

  /**
   * The median of targetCpuMicrosPerMessage over the runs against {@code target}; NaN when there is
   * none.
   */
  private static double median(List<Run> runs, String target) {
    double[] v =
        runs.stream()
            .filter(r -> target.equals(r.data.get("target")))
            .mapToDouble(r -> r.num("targetCpuMicrosPerMessage"))
            .filter(Double::isFinite)
            .sorted()
            .toArray();
    if (v.length == 0) return Double.NaN;
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void runsTable(Html h, List<Run> runs) {
    if (runs.isEmpty()) {
      h.raw("<p class=\"note\">No runs in this report.</p>\n");
      return;
    }
    h.raw("<div class=\"scroll\"><table class=\"runs\">\n")
        .raw("<thead><tr><th rowspan=\"2\">target</th><th rowspan=\"2\">round</th>")
        .raw(
            "<th rowspan=\"2\">devices</th><th rowspan=\"2\">connected</th><th rowspan=\"2\">connect s</th>")
        .raw(
            "<th rowspan=\"2\">msg/s</th><th colspan=\"4\">PUBACK ms</th><th colspan=\"3\">CPU µs/msg</th>")
        .raw("<th rowspan=\"2\">disconnects</th><th rowspan=\"2\">refusals</th>")
        .raw(
            "<th rowspan=\"2\">behind<br>schedule</th></tr>\n<tr><th>p50</th><th>p99</th><th>p99.9</th><th>max</th>")
        .raw("<th>target</th><th>PostgreSQL</th><th>simulator</th></tr></thead>\n<tbody>\n");
    for (Run r : runs) {
      Map<String, Object> p = r.sub("pubAckMs");
      h.raw("<tr><td class=\"name\">")
          .swatch(r.colour)
          .text(cell(r.data.get("target")))
          .raw("</td>");
      cells(
          h,
          r.data.get("round"),
          r.data.get("devices"),
          r.data.get("connected"),
          r.data.get("connectSeconds"),
          r.data.get("messagesPerSecond"),
          p.get("p50"),
          p.get("p99"),
          p.get("p999"),
          p.get("max"),
          r.data.get("targetCpuMicrosPerMessage"),
          r.data.get("postgresCpuMicrosPerMessage"),
          r.data.get("simulatorCpuMicrosPerMessage"),
          r.data.get("disconnects"),
          r.data.get("refusals"),
          r.data.get("behindSchedule"));
      h.raw("</tr>\n");
    }
    h.raw("</tbody></table></div>\n");
  }

  private static void outageTable(Html h, List<Run> runs) {
    h.raw("<table>\n<thead><tr><th rowspan=\"2\">run</th><th rowspan=\"2\">devices</th>")
        .raw("<th rowspan=\"2\">seen on battery</th><th rowspan=\"2\">all committed s</th>")
        .raw("<th colspan=\"4\">PUBACK ms during the wave</th></tr>\n")
        .raw("<tr><th>p50</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead>\n<tbody>\n");
    for (Run r : runs) {
      if (!(r.data.get("outageWave") instanceof Map<?, ?>)) continue;
      Map<String, Object> w = r.sub("outageWave");
      Map<String, Object> p = map(w.get("pubAckMsDuringWave"));
      h.raw("<tr><td class=\"name\">").swatch(r.colour).text(r.label).raw("</td>");
      cells(
          h,
          w.get("devices"),
          w.get("seenOnBattery"),
          w.get("allCommittedSeconds"),
          p.get("p50"),
          p.get("p99"),
          p.get("p999"),
          p.get("max"));
      h.raw("</tr>\n");
    }
    h.raw("</tbody></table>\n");
  }

  private static void commandTable(Html h, List<Run> runs) {
    h.raw("<table>\n<thead><tr><th rowspan=\"2\">run</th><th rowspan=\"2\">commands/s</th>")
        .raw(
            "<th rowspan=\"2\">commands</th><th rowspan=\"2\">failed</th><th colspan=\"4\">round trip ms</th></tr>\n")
        .raw("<tr><th>p50</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead>\n<tbody>\n");
    for (Run r : runs) {
      if (!(r.data.get("commandRoundTripMs") instanceof Map<?, ?>)) continue;
      Map<String, Object> c = r.sub("commandRoundTripMs");
      h.raw("<tr><td class=\"name\">").swatch(r.colour).text(r.label).raw("</td>");
      cells(
          h,
          c.get("perSecond"),
          c.get("count"),
          c.get("failed"),
          c.get("p50"),
          c.get("p99"),
          c.get("p999"),
          c.get("max"));
      h.raw("</tr>\n");
    }
    h.raw("</tbody></table>\n");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Environment, settings, summary

  private static void keyValueTable(Html h, Map<String, Object> m) {
    if (m.isEmpty()) {
      h.raw("<p class=\"note\">Not recorded.</p>\n");
      return;
    }
    h.raw("<table class=\"kv\"><tbody>\n");
    m.forEach(
        (k, v) -> h.raw("<tr><th>").text(k).raw("</th><td>").text(cell(v)).raw("</td></tr>\n"));
    h.raw("</tbody></table>\n");
  }

  /**
   * Scalars as key/value rows; statistics such as {"median":x,"min":y,"max":z} as rows of a second
   * table.
   */
  private static void summaryTable(Html h, Map<String, Object> summary) {
    Map<String, Object> scalars = new LinkedHashMap<>();
    Map<String, Map<String, Object>> stats = new LinkedHashMap<>();
    Set<String> columns =
        new LinkedHashSet<>(List.of("median", "min", "max")); // the usual three first
    summary.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?>) {
            stats.put(k, map(v));
            columns.addAll(map(v).keySet());
          } else {
            scalars.put(k, v);
          }
        });
    if (summary.isEmpty()) h.raw("<p class=\"note\">Empty.</p>\n");
    if (!scalars.isEmpty()) keyValueTable(h, scalars);
    if (stats.isEmpty()) return;
    columns.removeIf(c -> stats.values().stream().noneMatch(m -> m.containsKey(c)));
    h.raw("<table>\n<thead><tr><th></th>");
    columns.forEach(c -> h.raw("<th>").text(c).raw("</th>"));
    h.raw("</tr></thead>\n<tbody>\n");
    stats.forEach(
        (k, s) -> {
          h.raw("<tr><th>").text(k).raw("</th>");
          cells(h, columns.stream().map(s::get).toArray());
          h.raw("</tr>\n");
        });
    h.raw("</tbody></table>\n");
  }

  private static void cells(Html h, Object... values) {
    for (Object v : values) {
      h.raw(v instanceof Number ? "<td class=\"num\">" : "<td>").text(cell(v)).raw("</td>");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Charts

  private static void throughputChart(Html h, List<Run> runs) {
    LineChart c = new LineChart("second of the measured window", "acknowledged msg/s", false);
    for (Run r : runs) {
      c.series(r.label, r.colour, false, r.points("timeline"), p -> num(p.get("acked")));
    }
    c.render(h, "No run has a per-second timeline; throughput chart skipped.");
  }

  private static void latencyChart(Html h, List<Run> runs) {
    LineChart c =
        new LineChart(
            "second of the measured window", "PUBACK ms (log scale; p99 solid, p50 dashed)", true);
    for (Run r : runs) {
      List<Map<String, Object>> t = r.points("timeline");
      c.series(r.label, r.colour, false, t, p -> num(p.get("p99")));
      c.series(null, r.colour, true, t, p -> num(p.get("p50")));
    }
    c.legendNote("p99", false).legendNote("p50", true);
    c.render(h, "No run has a per-second timeline; latency chart skipped.");
  }

  private static void connectChart(Html h, List<Run> runs) {
    LineChart c = new LineChart("seconds since the first CONNECT", "devices online", false);
    for (Run r : runs) {
      c.series(r.label, r.colour, false, r.points("connectTimeline"), p -> num(p.get("online")));
    }
    c.render(h, "No run has a connect timeline; connect chart skipped.");
  }

  private static void percentileBars(Html h, List<Run> runs) {
    String[] keys = {"p50", "p99", "p999"};
    BarChart c = new BarChart(List.of("p50", "p99", "p99.9"), "PUBACK ms (log scale)");
    for (Run r : runs) {
      Map<String, Object> p = r.sub("pubAckMs");
      double[] values = new double[keys.length];
      for (int i = 0; i < keys.length; i++) values[i] = num(p.get(keys[i]));
      c.series(r.label, r.colour, values);
    }
    c.render(h, "No run has PUBACK percentiles; bar chart skipped.");
  }

  /** Geometry shared by the charts: a plot area with the legend to its right. */
  private static final int WIDTH = 960;

  private static final int HEIGHT = 340;
  private static final int LEFT = 72;
  private static final int RIGHT = 770;
  private static final int TOP = 16;
  private static final int BOTTOM = 290;

  /**
   * A line chart of y over x per series, y from zero or on a log axis; gaps (NaN) break the line.
   */
  private static final class LineChart {
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
              y.isLog() ? Math.max(s.ys[i], y.lo) : s.ys[i]; // zero sits on a log axis's floor
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

  /**
   * Bars grouped by category (e.g. percentile), one bar per series in each group, on a log axis.
   */
  private static final class BarChart {
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
          double top = py(y, Math.max(v, y.lo));
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

  /** Grid, axes, tick labels and axis titles of a line chart. */
  private static void frame(Html h, Axis x, Axis y, String xTitle, String yTitle) {
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
  private static void yAxis(Html h, Axis y, String title) {
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
  private static double legendY(int row, int rows) {
    return round1(TOP + 8 + row * Math.min(20.0, (double) (BOTTOM - TOP) / Math.max(1, rows)));
  }

  private static double px(Axis x, double v) {
    return round1(LEFT + x.fraction(v) * (RIGHT - LEFT));
  }

  private static double py(Axis y, double v) {
    return round1(BOTTOM - y.fraction(v) * (BOTTOM - TOP));
  }

  /**
   * An axis from {@code lo} to {@code hi}: linear with ticks every {@code step} (1, 2 or 5 times a
   * power of ten), or logarithmic (step 0) with ticks at 1, 2 and 5 times each power of ten (only
   * the powers when the range is wide).
   */
  private record Axis(double lo, double hi, double step) {
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

  // ---------------------------------------------------------------------------------------------------------------
  // Values

  /** The map {@code o} is, with its keys as strings, or an empty map. */
  private static Map<String, Object> map(Object o) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (o instanceof Map<?, ?> source) source.forEach((k, v) -> m.put(String.valueOf(k), v));
    return m;
  }

  /** {@code o} as a number (numbers and numeric strings), else NaN. */
  private static double num(Object o) {
    if (o instanceof Number n) return n.doubleValue();
    if (o instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** A table cell's text: numbers formatted, missing values as a dash, nested values compactly. */
  private static String cell(Object o) {
    if (o == null) return DASH;
    if (o instanceof Number n) return fmt(n.doubleValue());
    return text(o);
  }

  private static String text(Object o) {
    if (o instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, v) -> parts.add(k + "=" + cell(v)));
      return String.join(", ", parts);
    }
    if (o instanceof List<?> l) {
      return String.join(", ", l.stream().map(HtmlReport::cell).toList());
    }
    return String.valueOf(o);
  }

  /**
   * A number for people: thousands separated, at most three significant decimals, no trailing
   * zeros.
   */
  static String fmt(double v) {
    if (!Double.isFinite(v)) return DASH;
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
    double a = Math.abs(v);
    String s = String.format(Locale.ROOT, a >= 100 ? "%,.1f" : a >= 1 ? "%,.2f" : "%,.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * The page being built: {@link #raw} for our own markup, {@link #text} for anything from the
   * document.
   */
  private static final class Html {
    private final StringBuilder b = new StringBuilder(64 * 1024);

    Html raw(String markup) {
      b.append(markup);
      return this;
    }

    Html text(String s) {
      b.append(esc(s));
      return this;
    }

    Html swatch(String colour) {
      return raw("<span class=\"sw\" style=\"background:" + colour + "\"></span>");
    }

    Html svgOpen(String label) {
      return raw("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
              + WIDTH
              + " "
              + HEIGHT
              + "\" role=\"img\" aria-label=\"")
          .text(label)
          .raw("\">\n");
    }

    @Override
    public String toString() {
      return b.toString();
    }
  }

  private static final String CSS =
      """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;
        margin:24px auto;max-width:1240px;padding:0 16px}
      h1{font-size:24px;margin:0 0 2px}
      h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
      .sub{color:#666;margin:0 0 12px}
      .cols{display:flex;gap:32px;flex-wrap:wrap}
      .cols section{flex:1 1 360px}
      .scroll{overflow-x:auto}
      .note{color:#888;font-style:italic}
      .ratio{font-size:15px;font-weight:600;background:#f3f7fb;border-left:4px solid #1f6fb4;padding:6px 10px}
      table{border-collapse:collapse;font-size:13px;margin:4px 0}
      th,td{padding:3px 8px;border:1px solid #e2e2e2;text-align:left;vertical-align:top}
      thead th{background:#f4f4f4;text-align:center;font-weight:600}
      tbody tr:nth-child(even){background:#fafafa}
      .kv th{background:#f8f8f8;font-weight:600;white-space:nowrap}
      .kv td{word-break:break-word}
      td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      td.name{white-space:nowrap}
      .sw{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
      svg{display:block;width:100%;max-width:960px;height:auto;font-size:12px;fill:#333}
      svg .grid{stroke:#ececec}
      svg .axis{stroke:#888}
      svg .title{font-size:13px;fill:#555}
      svg .val{font-size:10px;fill:#555}
      svg .group{font-size:13px;font-weight:600}
      """;
}
