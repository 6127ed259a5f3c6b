package io.upsfleet.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report: self-contained, escaped, and robust to whatever the document lacks. */
class HtmlReportTest {
  private static final String ATTACK = "<script>alert(1)</script>";

  @TempDir Path dir;

  @Test
  void fullReportHasChartsTablesAndTheCpuRatio() throws Exception {
    Path file = dir.resolve("report.html");
    HtmlReport.write(fullDoc(), file);

    assertThat(file).exists();
    String html = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    // four charts: throughput, latency, connect, percentile bars
    assertThat(html.split("<svg", -1)).hasSize(5);
    assertThat(html)
        .contains(
            "acknowledged msg/s",
            "PUBACK ms (log scale; p99 solid, p50 dashed)",
            "devices online",
            "PUBACK ms (log scale)");
    // medians: gateway (70.0 + 74.4) / 2 = 72.2, mosquitto (54.0 + 56.0) / 2 = 55.0
    assertThat(html)
        .contains("gateway / mosquitto target CPU per message (medians): 72.2 / 55.0 µs = 1.31×");
    assertThat(html).contains("gateway #1", "mosquitto #2", "Outage wave", "Command round trip");
    assertThat(html).contains("10,006.2"); // msg/s formatted with Locale.ROOT
    assertThat(html.indexOf("<th>median</th><th>min</th><th>max</th>")).isPositive();
    assertThat(html).doesNotContain("chart skipped");
    assertSelfContained(html);
  }

  @Test
  void stringsFromTheDocumentAreEscaped() throws Exception {
    Map<String, Object> doc = fullDoc();
    String html = render(doc);
    assertThat(html)
        .doesNotContain(ATTACK)
        .doesNotContain("<script")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("a &amp; b &quot;quoted&quot; &#39;single&#39;");
  }

  @Test
  void emptyDocumentStillGivesAPage() throws Exception {
    String html = render(Map.of());
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .endsWith("</html>\n")
        .contains("No runs in this report.")
        .contains(
            "throughput chart skipped",
            "latency chart skipped",
            "connect chart skipped",
            "bar chart skipped")
        .doesNotContain("<svg")
        .doesNotContain("CPU per message (medians)");
    assertSelfContained(html);
  }

  @Test
  void runsWithoutOptionalKeysStillGiveAPage() throws Exception {
    Map<String, Object> bare = new HashMap<>();
    bare.put("target", "gateway");
    bare.put("pubAckMs", null);
    bare.put("timeline", null);
    List<Object> runs = new ArrayList<>();
    runs.add(bare);
    runs.add(Map.of());
    runs.add(null);
    runs.add("not a run");
    runs.add(
        Map.of(
            "target",
            "mosquitto",
            "timeline",
            List.of(Map.of("second", 1)),
            "connectTimeline",
            List.of()));
    Map<String, Object> doc = new HashMap<>();
    doc.put("environment", null);
    doc.put("settings", "odd");
    doc.put("runs", runs);
    doc.put("summary", Map.of());

    String html = render(doc);
    assertThat(html)
        .endsWith("</html>\n")
        .contains("gateway", "mosquitto", "Not recorded.", "chart skipped")
        .doesNotContain("NaN");
    assertSelfContained(html);
  }

  @Test
  void singlePointAndFlatSeriesStillDrawAxes() throws Exception {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("target", "gateway");
    run.put("timeline", List.of(Map.of("second", 1, "acked", 0, "p50", 0, "p99", 0)));
    run.put("pubAckMs", Map.of("p50", 0.0, "p99", 5, "p999", 5));
    String html = render(Map.of("runs", List.of(run)));
    assertThat(html).contains("<svg").doesNotContain("NaN").doesNotContain("Infinity");
  }

  @Test
  void runsWithoutDataStayOffTheLegends() throws Exception {
    Map<String, Object> withData = new LinkedHashMap<>(run("gateway", 1, 70.0, 1.0));
    Map<String, Object> without = Map.of("target", "mosquitto", "round", 1);
    String html = render(Map.of("runs", List.of(withData, without)));
    assertThat(html)
        .contains("gateway #1")
        .doesNotContain("mosquitto #1")
        .doesNotContain("chart skipped")
        .doesNotContain("CPU per message (medians)");
  }

  private String render(Map<String, Object> doc) throws Exception {
    Path file = dir.resolve("r" + System.nanoTime() + ".html");
    HtmlReport.write(doc, file);
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** No URL but the SVG namespace, no scripts, no style sheets or other linked resources. */
  private static void assertSelfContained(String html) {
    String withoutNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertThat(withoutNamespace)
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("src=")
        .doesNotContain("@import")
        .doesNotContain("url(");
  }

  private static Map<String, Object> fullDoc() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("date", "2026-11-28T12:00:00Z");
    env.put("java", "OpenJDK 64-Bit Server VM 17.0.12");
    env.put("cores", 2);
    env.put("maxHeapMb", 2048);
    env.put("os", "Linux 6.8");
    env.put("commit", "abc123");
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("devices", 10_000);
    settings.put("interval", "PT1S");
    settings.put("qos", 1);
    settings.put("connectRate", 2000.0);
    settings.put("warmup", "PT1M");
    settings.put("duration", "PT2M");
    settings.put("outageShare", 0.1);
    settings.put("label", ATTACK);
    settings.put("note", "a & b \"quoted\" 'single'");
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("rounds", 2);
    summary.put("gatewayCpuMicrosPerMessage", Map.of("median", 72.2, "min", 70.0, "max", 74.4));

    List<Object> runs =
        List.of(
            run("gateway", 1, 70.0, 1.0),
            run("mosquitto", 1, 54.0, 0.8),
            run("gateway", 2, 74.4, 1.1),
            run("mosquitto", 2, 56.0, 0.7));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("environment", env);
    doc.put("settings", settings);
    doc.put("runs", runs);
    doc.put("summary", summary);
    return doc;
  }

  private static Map<String, Object> run(String target, int round, double targetCpu, double scale) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("target", target);
    r.put("round", round);
    r.put("devices", 10_000);
    r.put("connected", 10_000);
    r.put("connectSeconds", 9.1 * scale);
    r.put("connAckMs", percentiles(1.2, 30.5, 50.1, 60.0));
    r.put("messages", 1_200_000);
    r.put("messagesPerSecond", 10006.2);
    r.put("acknowledged", 1_200_000);
    r.put("pubAckMs", percentiles(0.6 * scale, 68.6 * scale, 123.0 * scale, 172.0 * scale));
    r.put("simulatorCpuMicrosPerMessage", 93.1);
    r.put("targetCpuMicrosPerMessage", targetCpu);
    r.put("postgresCpuMicrosPerMessage", "gateway".equals(target) ? 8.1 : null);
    r.put("simulatorCpuShare", 0.9);
    r.put("disconnects", 0);
    r.put("refusals", 0);
    r.put("behindSchedule", 12);
    List<Object> connect = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      connect.add(
          Map.of("second", i * 0.5, "online", Math.min(10_000, (int) (i * 0.5 * 1100 * scale))));
    }
    r.put("connectTimeline", connect);
    List<Object> timeline = new ArrayList<>();
    for (int s = 1; s <= 120; s++) {
      double wobble = Math.sin(s / 7.0 + round) * 40 * scale;
      timeline.add(
          Map.of(
              "second",
              s,
              "sent",
              10_000 + (int) wobble,
              "acked",
              10_000 + (int) wobble - 2,
              "p50",
              0.5 * scale,
              "p99",
              12.3 * scale + Math.abs(wobble) / 4,
              "online",
              10_000));
    }
    r.put("timeline", timeline);
    if ("gateway".equals(target)) {
      r.put(
          "outageWave",
          Map.of(
              "devices",
              1047,
              "seenOnBattery",
              1047,
              "allCommittedSeconds",
              3.2,
              "pubAckMsDuringWave",
              percentiles(0.9, 80.0, 140.0, 190.0)));
      Map<String, Object> commands = percentiles(18.5, 91.0, 278.0, 300.0);
      commands.put("count", 601);
      commands.put("failed", 0);
      commands.put("perSecond", 10.0);
      r.put("commandRoundTripMs", commands);
    }
    return r;
  }

  private static Map<String, Object> percentiles(double p50, double p99, double p999, double max) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", 1_200_000);
    m.put("p50", p50);
    m.put("p99", p99);
    m.put("p999", p999);
    m.put("max", max);
    return m;
  }
}
