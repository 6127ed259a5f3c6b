package io.upsfleet.load;

import io.upsfleet.load.result.Environment;
import io.upsfleet.load.result.NotifyResult;
import io.upsfleet.load.result.Percentiles;
import io.upsfleet.load.result.RunResult;
import io.upsfleet.load.result.SummaryView;
import io.upsfleet.load.result.SummaryView.Aggregate;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The human summary of a run, the median and min-max over repeated rounds, and the recorded
 * environment.
 */
final class Summary {
  /** The figures aggregated over rounds: name and where it is in a run (null: not measured). */
  static final Map<String, Function<RunResult, Number>> FIGURES = new LinkedHashMap<>();

  static {
    FIGURES.put("connectSeconds", RunResult::connectSeconds);
    FIGURES.put("connAckP99Ms", r -> p(r.connAckMs(), Percentiles::p99));
    FIGURES.put("heapPerDeviceKb", RunResult::heapPerDeviceKb);
    FIGURES.put("messagesPerSecond", RunResult::messagesPerSecond);
    FIGURES.put("pubAckP50Ms", r -> p(r.pubAckMs(), Percentiles::p50));
    FIGURES.put("pubAckP99Ms", r -> p(r.pubAckMs(), Percentiles::p99));
    FIGURES.put("pubAckP999Ms", r -> p(r.pubAckMs(), Percentiles::p999));
    FIGURES.put("pubAckMaxMs", r -> p(r.pubAckMs(), Percentiles::max));
    FIGURES.put("targetCpuMicrosPerMessage", RunResult::targetCpuMicrosPerMessage);
    FIGURES.put("postgresCpuMicrosPerMessage", RunResult::postgresCpuMicrosPerMessage);
    FIGURES.put("simulatorCpuMicrosPerMessage", RunResult::simulatorCpuMicrosPerMessage);
    FIGURES.put("targetCpuShare", RunResult::targetCpuShare);
    FIGURES.put("postgresCpuShare", RunResult::postgresCpuShare);
    FIGURES.put("refusals", RunResult::refusals);
    FIGURES.put(
        "outageAllCommittedSeconds",
        r -> r.outageWave() == null ? null : r.outageWave().allCommittedSeconds());
    FIGURES.put(
        "outagePubAckP99Ms",
        r ->
            r.outageWave() == null
                ? null
                : p(r.outageWave().pubAckMsDuringWave(), Percentiles::p99));
    FIGURES.put("notifyCoveredP50Ms", r -> notify(r, n -> n.coveredMs().p50()));
    FIGURES.put("notifyCoveredP99Ms", r -> notify(r, n -> n.coveredMs().p99()));
    FIGURES.put("notifyNeverCovered", r -> notify(r, NotifyResult::neverCovered));
    FIGURES.put(
        "notifyMaxIncidentMessagesPerSitePerMinute",
        r -> notify(r, NotifyResult::maxIncidentMessagesPerSitePerMinute));
    FIGURES.put(
        "commandP50Ms", r -> r.commandRoundTripMs() == null ? null : r.commandRoundTripMs().p50());
    FIGURES.put(
        "commandP99Ms", r -> r.commandRoundTripMs() == null ? null : r.commandRoundTripMs().p99());
    FIGURES.put(
        "commandP999Ms",
        r -> r.commandRoundTripMs() == null ? null : r.commandRoundTripMs().p999());
    FIGURES.put(
        "failoverServedAgainSeconds",
        r -> r.failover() == null ? null : r.failover().allServedAgainSeconds());
  }

  private Summary() {}

  private static Number p(Percentiles p, Function<Percentiles, Number> f) {
    return p == null ? null : f.apply(p);
  }

  private static Number notify(RunResult r, Function<NotifyResult, Number> f) {
    return r.outageWave() == null || r.outageWave().notifications() == null
        ? null
        : f.apply(r.outageWave().notifications());
  }

  /** {@code figure} over the runs of {@code target}, or null when none measured it. */
  static Aggregate aggregate(List<RunResult> runs, String target, String figure) {
    List<Double> values = new ArrayList<>();
    for (RunResult r : runs) {
      if (!target.equals(r.target())) continue;
      Number n = FIGURES.get(figure).apply(r);
      if (n != null) values.add(n.doubleValue());
    }
    if (values.isEmpty()) return null;
    values.sort(Double::compare);
    return new Aggregate(
        median(values), values.get(0), values.get(values.size() - 1), values.size());
  }

  /**
   * Per target, every figure's median and min-max over the rounds ({@code {"median", "min", "max",
   * "n"}}), and the gateway / Mosquitto ratio of the median CPU per message when both ran.
   */
  static SummaryView aggregate(List<RunResult> runs) {
    Aggregate g = aggregate(runs, "gateway", "targetCpuMicrosPerMessage");
    Aggregate m = aggregate(runs, "mosquitto", "targetCpuMicrosPerMessage");
    return new SummaryView(
        figures(runs, "gateway"),
        figures(runs, "mosquitto"),
        g != null && m != null && m.median() > 0
            ? Math.round(g.median() / m.median() * 100) / 100.0
            : null);
  }

  /** Every figure {@code target}'s runs measured, or null when none. */
  private static Map<String, Aggregate> figures(List<RunResult> runs, String target) {
    Map<String, Aggregate> figures = new LinkedHashMap<>();
    for (String f : FIGURES.keySet()) {
      Aggregate a = aggregate(runs, target, f);
      if (a != null) figures.put(f, a);
    }
    return figures.isEmpty() ? null : figures;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    double v = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return Math.round(v * 100) / 100.0;
  }

  /**
   * The date, JVM, machine, commit and the gateway's command line (its JVM flags), recorded with
   * every result.
   */
  static Environment environment(long gatewayPid) {
    String gatewayCommand = null;
    if (gatewayPid > 0) {
      try {
        byte[] raw = Files.readAllBytes(Path.of("/proc/" + gatewayPid + "/cmdline"));
        gatewayCommand = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
      } catch (IOException | RuntimeException unknown) {
        gatewayCommand = null;
      }
    }
    return new Environment(
        Instant.now().toString(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        commit(),
        gatewayCommand);
  }

  /**
   * The harness's commit: that of the working tree the running jar (or classes) came from, so a run
   * started from any directory records it; {@code -dirty} when tracked files differ from it.
   */
  static String commit() {
    Path dir = Path.of(".");
    try {
      Path code =
          Path.of(Summary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      dir = Files.isDirectory(code) ? code : code.getParent();
    } catch (URISyntaxException | RuntimeException e) {
      // the working directory, then
    }
    String hash = git(dir.toFile(), "rev-parse", "--short", "HEAD");
    if (hash == null) return "unknown";
    String changed = git(dir.toFile(), "status", "--porcelain", "--untracked-files=no");
    return changed == null || changed.isEmpty() ? hash : hash + "-dirty";
  }

  private static String git(File dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.getPath()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void printFigures(PrintStream out, String target, Map<String, Aggregate> figures) {
    if (figures == null) return;
    for (Map.Entry<String, Aggregate> f : figures.entrySet()) {
      Aggregate a = f.getValue();
      out.printf(
          "  %-10s %-30s %10s  [%s - %s]  n=%s%n",
          target, f.getKey(), a.median(), a.min(), a.max(), a.n());
    }
  }

  static void print(List<RunResult> runs, SummaryView summary, PrintStream out) {
    out.printf(
        "%n  %-10s %5s %8s %9s %9s %10s %9s %9s %9s %11s %9s %11s %6s%n",
        "target",
        "round",
        "devices",
        "connect s",
        "msg/s",
        "acked",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "target µs/m",
        "pg µs/m",
        "sim µs/msg",
        "behind");
    for (RunResult r : runs) {
      Percentiles p = r.pubAckMs();
      out.printf(
          "  %-10s %5s %8s %9s %9s %10s %9s %9s %9s %11s %9s %11s %6s%n",
          r.target(),
          r.round(),
          r.devices(),
          r.connectSeconds(),
          r.messagesPerSecond(),
          r.acknowledged(),
          p == null ? null : p.p50(),
          p == null ? null : p.p99(),
          p == null ? null : p.p999(),
          r.targetCpuMicrosPerMessage(),
          r.postgresCpuMicrosPerMessage(),
          r.simulatorCpuMicrosPerMessage(),
          r.behindSchedule());
    }
    for (RunResult r : runs) {
      RunResult.OutageWave w = r.outageWave();
      if (w != null) {
        out.printf(
            "  outage wave: %s devices on battery at once; all committed and visible in %s s; PUBACK p99 %s ms"
                + " during the wave%n",
            w.devices(),
            w.allCommittedSeconds(),
            w.pubAckMsDuringWave() == null ? null : w.pubAckMsDuringWave().p99());
      }
      RunResult.CommandRoundTrip c = r.commandRoundTripMs();
      if (c != null) {
        out.printf(
            "  command round trip (%s/s): p50 %s / p99 %s / p99.9 %s / max %s ms over %s commands, %s failed%n",
            c.perSecond(), c.p50(), c.p99(), c.p999(), c.max(), c.count(), c.failed());
      }
      RunResult.Failover f = r.failover();
      if (f != null) {
        out.printf(
            "  failover: killed %s at second %s; lowest online afterwards %s; every device served again after %s s%n",
            f.killedPid(),
            f.killedAtSecond(),
            f.lowestOnlineAfterKill(),
            f.allServedAgainSeconds());
      }
    }
    if (runs.size() > 1) {
      out.printf("%n  median [min-max] over rounds:%n");
      printFigures(out, "gateway", summary.gateway());
      printFigures(out, "mosquitto", summary.mosquitto());
    }
    if (summary.cpuRatioGatewayToMosquitto() != null) {
      out.printf(
          "%n  gateway / Mosquitto CPU per message (medians): %sx%n",
          summary.cpuRatioGatewayToMosquitto());
    }
    out.println();
  }
}
