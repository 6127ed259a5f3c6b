package io.upsfleet.load;

import io.upsfleet.load.result.NotifyResult;
import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.RunResult;
import io.upsfleet.load.result.RunSettings;
import io.upsfleet.load.result.SummaryView;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BENCHMARKS.md's rows, made from JSON reports rather than typed by hand: per report, one row per
 * figure it holds (connect, throughput, PUBACK latency, CPU per message, the outage wave and its
 * notifications, command round trips, failover), the gateway's median [min – max] over its rounds
 * and Mosquitto's median where it ran, and the report file and commit each row comes from (— when
 * an older report did not record it).
 */
final class MarkdownTable {
  static final String HEADER =
      "| scenario | metric | gateway: median [min – max] | Mosquitto | rounds | report | commit |\n"
          + "|---|---|---|---|---|---|---|\n";

  private MarkdownTable() {}

  /**
   * The table of every report of runs, in the order given; then each calibration (S0) and ladder
   * (S2) report's own table.
   */
  static String render(Map<Path, ReportDocument> docs) {
    StringBuilder out = new StringBuilder();
    StringBuilder others = new StringBuilder();
    for (Map.Entry<Path, ReportDocument> d : docs.entrySet()) {
      ReportDocument doc = d.getValue();
      if (doc.calibration() != null)
        others.append('\n').append(CalibrationTable.render(d.getKey(), doc));
      else if (doc.ladder() != null)
        others.append('\n').append(LadderTable.render(d.getKey(), doc));
      else {
        if (out.length() == 0) out.append(HEADER);
        for (String row : rows(d.getKey(), doc)) out.append(row).append('\n');
      }
    }
    if (out.length() == 0 && others.length() > 0) others.deleteCharAt(0);
    return out.append(others).toString();
  }

  /** The rows of one report. */
  static List<String> rows(Path file, ReportDocument doc) {
    List<RunResult> runs = doc.runs();
    String link = link(file);
    String commit = commit(doc);
    String scenario = scenario(doc.settings(), runs);
    List<String> rows = new ArrayList<>();
    Row row =
        (metric, gateway, mosquitto) -> {
          if (gateway == null && mosquitto == null) return;
          rows.add(
              "| "
                  + scenario
                  + " | "
                  + metric
                  + " | "
                  + (gateway == null ? "—" : gateway)
                  + " | "
                  + (mosquitto == null ? "—" : mosquitto)
                  + " | "
                  + rounds(runs)
                  + " | "
                  + link
                  + " | "
                  + commit
                  + " |");
        };
    row.add(
        "connect: time until every device is connected (s)",
        cell(runs, "gateway", "connectSeconds"),
        cell(runs, "mosquitto", "connectSeconds"));
    row.add(
        "CONNACK p99 (ms)",
        cell(runs, "gateway", "connAckP99Ms"),
        cell(runs, "mosquitto", "connAckP99Ms"));
    row.add(
        "CONNECTs refused", cell(runs, "gateway", "refusals"), cell(runs, "mosquitto", "refusals"));
    row.add("heap per connected device (KB)", cell(runs, "gateway", "heapPerDeviceKb"), null);
    row.add(
        "throughput (msg/s)",
        cell(runs, "gateway", "messagesPerSecond"),
        cell(runs, "mosquitto", "messagesPerSecond"));
    row.add(
        "PUBACK p50 / **p99** / p99.9 (ms)", latency(runs, "gateway"), latency(runs, "mosquitto"));
    row.add(
        "CPU per message (µs)",
        join(
            cell(runs, "gateway", "targetCpuMicrosPerMessage"),
            cell(runs, "gateway", "postgresCpuMicrosPerMessage"),
            " (+ PostgreSQL ",
            ")"),
        cell(runs, "mosquitto", "targetCpuMicrosPerMessage"));
    row.add(
        "CPU used in the measured window (% of a core)",
        join(
            cell(runs, "gateway", "targetCpuShare", 100),
            cell(runs, "gateway", "postgresCpuShare", 100),
            " (+ PostgreSQL ",
            ")"),
        cell(runs, "mosquitto", "targetCpuShare", 100));
    if (doc.summary() != null && doc.summary().cpuRatioGatewayToMosquitto() != null)
      row.add(
          "CPU per message, gateway ÷ Mosquitto (medians)",
          fmt(doc.summary().cpuRatioGatewayToMosquitto()) + "×",
          null);
    row.add(
        "simulator CPU per message (µs)",
        cell(runs, "gateway", "simulatorCpuMicrosPerMessage"),
        cell(runs, "mosquitto", "simulatorCpuMicrosPerMessage"));
    row.add(
        "outage wave: every device listed on battery (s)" + waveDevices(runs),
        cell(runs, "gateway", "outageAllCommittedSeconds"),
        null);
    row.add("PUBACK p99 during the wave (ms)", cell(runs, "gateway", "outagePubAckP99Ms"), null);
    row.add(
        "notifications: on-battery sample to the first message covering the device, p50 / **p99** (ms)",
        pair(
            cell(runs, "gateway", "notifyCoveredP50Ms"),
            cell(runs, "gateway", "notifyCoveredP99Ms")),
        null);
    row.add(
        "notifications: devices never covered", cell(runs, "gateway", "notifyNeverCovered"), null);
    row.add(
        "notifications: most incident messages of one site within a minute",
        cell(runs, "gateway", "notifyMaxIncidentMessagesPerSitePerMinute"),
        null);
    row.add("notifications: duplicates / bad signatures", notifyFaults(runs), null);
    row.add("command round trip p50 / **p99** / p99.9 (ms)", commands(runs), null);
    row.add(
        "failover: every device served again after (s)",
        cell(runs, "gateway", "failoverServedAgainSeconds"),
        null);
    return rows;
  }

  /** A Markdown link to a report file, relative to the working directory. */
  static String link(Path file) {
    return "[" + file.getFileName() + "](" + file.toString().replace('\\', '/') + ")";
  }

  private interface Row {
    void add(String metric, String gateway, String mosquitto);
  }

  static String commit(ReportDocument doc) {
    String c = doc.environment() == null ? null : doc.environment().commit();
    return c == null || c.isBlank() || c.equals("unknown") ? "—" : c;
  }

  private static String scenario(RunSettings s, List<RunResult> runs) {
    if (s == null) return "—";
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%,d", s.devices()).replace(',', ' '))
        .append(" devices × 1 / ")
        .append(human(s.interval()))
        .append(", QoS ")
        .append(s.qos());
    if (s.outageShare() > 0)
      b.append(", ").append(plain(s.outageShare() * 100)).append(" % outage wave");
    if (Boolean.TRUE.equals(s.notifications()))
      b.append(" with notifications (").append(s.sites()).append(" sites)");
    if (s.commandRate() > 0) b.append(", ").append(plain(s.commandRate())).append(" commands/s");
    if (s.killAfter() != null) b.append(", a node killed after ").append(human(s.killAfter()));
    return b.toString();
  }

  private static String human(String isoDuration) {
    try {
      Duration d = Duration.parse(isoDuration);
      if (d.toMillis() % 1000 != 0) return d.toMillis() + " ms";
      return d.toSeconds() + " s";
    } catch (RuntimeException e) {
      return isoDuration;
    }
  }

  private static String rounds(List<RunResult> runs) {
    long g = runs.stream().filter(r -> "gateway".equals(r.target())).count();
    long m = runs.stream().filter(r -> "mosquitto".equals(r.target())).count();
    return m == 0 ? Long.toString(g) : g + " + " + m;
  }

  /** {@code median [min – max]} over the rounds, or the one value; null when not measured. */
  static String cell(List<RunResult> runs, String target, String figure) {
    return cell(runs, target, figure, 1);
  }

  /** The figure's median [min – max] multiplied by {@code scale} (100: a share as percent). */
  static String cell(List<RunResult> runs, String target, String figure, double scale) {
    SummaryView.Aggregate a = Summary.aggregate(runs, target, figure);
    if (a == null) return null;
    return a.n() == 1
        ? fmt(a.median() * scale)
        : fmt(a.median() * scale)
            + " ["
            + fmt(a.min() * scale)
            + " – "
            + fmt(a.max() * scale)
            + "]";
  }

  private static String latency(List<RunResult> runs, String target) {
    String p99 = cell(runs, target, "pubAckP99Ms");
    if (p99 == null) return null;
    return cell(runs, target, "pubAckP50Ms")
        + " / **"
        + p99
        + "** / "
        + cell(runs, target, "pubAckP999Ms");
  }

  private static String commands(List<RunResult> runs) {
    String p99 = cell(runs, "gateway", "commandP99Ms");
    if (p99 == null) return null;
    long failed = 0;
    long count = 0;
    for (RunResult r : runs) {
      if (r.commandRoundTripMs() == null) continue;
      failed += r.commandRoundTripMs().failed();
      count += r.commandRoundTripMs().count();
    }
    return cell(runs, "gateway", "commandP50Ms")
        + " / **"
        + p99
        + "** / "
        + cell(runs, "gateway", "commandP999Ms")
        + ", "
        + count
        + " commands, "
        + failed
        + " failed";
  }

  private static String notifyFaults(List<RunResult> runs) {
    long duplicates = 0;
    long bad = 0;
    boolean any = false;
    for (RunResult r : runs) {
      NotifyResult n = r.outageWave() == null ? null : r.outageWave().notifications();
      if (n == null) continue;
      any = true;
      duplicates += n.duplicates();
      bad += n.signatureFailures();
    }
    return any ? duplicates + " / " + bad : null;
  }

  private static String waveDevices(List<RunResult> runs) {
    for (RunResult r : runs)
      if (r.outageWave() != null) return ", " + r.outageWave().devices() + " devices";
    return "";
  }

  private static String pair(String a, String b) {
    return a == null || b == null ? null : a + " / **" + b + "**";
  }

  private static String join(String a, String b, String before, String after) {
    if (a == null) return null;
    return b == null ? a : a + before + b + after;
  }

  /** A setting: no trailing zeros. */
  static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * A figure as BENCHMARKS.md writes it: whole numbers below 10 without decimals, space-grouped
   * thousands, fewer decimals as it grows.
   */
  static String fmt(double v) {
    double abs = Math.abs(v);
    String s;
    if (abs < 10 && v == Math.rint(v)) s = String.format(Locale.ROOT, "%.0f", v);
    else if (abs >= 1000) s = String.format(Locale.ROOT, "%,.0f", v).replace(',', ' ');
    else if (abs >= 100) s = String.format(Locale.ROOT, "%.0f", v);
    else if (abs >= 10) s = String.format(Locale.ROOT, "%.1f", v);
    else s = String.format(Locale.ROOT, "%.2f", v);
    return s;
  }
}
