package io.upsfleet.load;

import static io.upsfleet.load.HtmlValues.cell;
import static io.upsfleet.load.HtmlValues.map;
import static io.upsfleet.load.HtmlValues.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
    List<HtmlRun> runs = runs(d.get("runs"));

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
    ThroughputChart.render(h, runs);
    h.raw("<h2>PUBACK latency</h2>\n");
    LatencyChart.render(h, runs);
    h.raw("<h2>Connect</h2>\n");
    ConnectChart.render(h, runs);
    h.raw("<h2>PUBACK percentiles per run</h2>\n");
    PercentileBarsChart.render(h, runs);

    if (runs.stream().anyMatch(r -> r.data().get("outageWave") instanceof Map)) {
      h.raw("<h2>Outage wave</h2>\n");
      outageTable(h, runs);
    }
    if (runs.stream().anyMatch(r -> r.data().get("commandRoundTripMs") instanceof Map)) {
      h.raw("<h2>Command round trip</h2>\n");
      commandTable(h, runs);
    }
    h.raw("</body>\n</html>\n");
    return h.toString();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Runs

  private static List<HtmlRun> runs(Object value) {
    List<HtmlRun> runs = new ArrayList<>();
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
      runs.add(new HtmlRun(r, label, PALETTE[family][shade % PALETTE[family].length]));
    }
    return runs;
  }

  private static String subtitle(Map<String, Object> env, List<HtmlRun> runs) {
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
  private static void cpuRatio(Html h, List<HtmlRun> runs) {
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
  private static double median(List<HtmlRun> runs, String target) {
    double[] v =
        runs.stream()
            .filter(r -> target.equals(r.data().get("target")))
            .mapToDouble(r -> r.num("targetCpuMicrosPerMessage"))
            .filter(Double::isFinite)
            .sorted()
            .toArray();
    if (v.length == 0) return Double.NaN;
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void runsTable(Html h, List<HtmlRun> runs) {
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
    for (HtmlRun r : runs) {
      Map<String, Object> p = r.sub("pubAckMs");
      h.raw("<tr><td class=\"name\">")
          .swatch(r.colour())
          .text(cell(r.data().get("target")))
          .raw("</td>");
      cells(
          h,
          r.data().get("round"),
          r.data().get("devices"),
          r.data().get("connected"),
          r.data().get("connectSeconds"),
          r.data().get("messagesPerSecond"),
          p.get("p50"),
          p.get("p99"),
          p.get("p999"),
          p.get("max"),
          r.data().get("targetCpuMicrosPerMessage"),
          r.data().get("postgresCpuMicrosPerMessage"),
          r.data().get("simulatorCpuMicrosPerMessage"),
          r.data().get("disconnects"),
          r.data().get("refusals"),
          r.data().get("behindSchedule"));
      h.raw("</tr>\n");
    }
    h.raw("</tbody></table></div>\n");
  }

  private static void outageTable(Html h, List<HtmlRun> runs) {
    h.raw("<table>\n<thead><tr><th rowspan=\"2\">run</th><th rowspan=\"2\">devices</th>")
        .raw("<th rowspan=\"2\">seen on battery</th><th rowspan=\"2\">all committed s</th>")
        .raw("<th colspan=\"4\">PUBACK ms during the wave</th></tr>\n")
        .raw("<tr><th>p50</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead>\n<tbody>\n");
    for (HtmlRun r : runs) {
      if (!(r.data().get("outageWave") instanceof Map<?, ?>)) continue;
      Map<String, Object> w = r.sub("outageWave");
      Map<String, Object> p = map(w.get("pubAckMsDuringWave"));
      h.raw("<tr><td class=\"name\">").swatch(r.colour()).text(r.label()).raw("</td>");
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

  private static void commandTable(Html h, List<HtmlRun> runs) {
    h.raw("<table>\n<thead><tr><th rowspan=\"2\">run</th><th rowspan=\"2\">commands/s</th>")
        .raw(
            "<th rowspan=\"2\">commands</th><th rowspan=\"2\">failed</th><th colspan=\"4\">round trip ms</th></tr>\n")
        .raw("<tr><th>p50</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead>\n<tbody>\n");
    for (HtmlRun r : runs) {
      if (!(r.data().get("commandRoundTripMs") instanceof Map<?, ?>)) continue;
      Map<String, Object> c = r.sub("commandRoundTripMs");
      h.raw("<tr><td class=\"name\">").swatch(r.colour()).text(r.label()).raw("</td>");
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
