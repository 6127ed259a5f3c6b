package io.upsfleet.load;

import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.fleet.Provisioner;
import io.upsfleet.load.result.Ladder;
import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.Reports;
import io.upsfleet.load.result.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ladder}: S2's ladder to the knee. A fixed fleet offers a rising telemetry rate (its
 * interval shrinks step by step); each step is a {@code run} round (connect, warm-up, measured
 * window) against each target in turn, until a target's PUBACK p99 passes the limit or the offered
 * rate is not achieved.
 */
@Command(
    name = "ladder",
    mixinStandardHelpOptions = true,
    description =
        "S2 ladder: the same fleet offers a rising telemetry rate (its interval shrinks step by step; the "
            + "number of connections stays the same), each step a run round (connect, warm-up, measured "
            + "window) against the gateway and Mosquitto in turn, until PUBACK p99 passes --p99-limit or "
            + "less than --achieved-share of the offered rate is sent (the simulator fell behind) or "
            + "acknowledged (the target did). Reports every step and each target's knee: the highest step "
            + "within the target.")
final class LadderCommand implements Callable<Integer> {
  @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

  @Option(
      names = "--devices-file",
      description = "CSV from 'provision' (required for the gateway; Mosquitto alone needs none)")
  Path devicesFile;

  @Option(
      names = "--devices",
      defaultValue = "2000",
      description = "the fleet, 1..20000 (the first N of the file) (default ${DEFAULT-VALUE})")
  int devices;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "500,1000,2000,3000,4000,5000,6000,8000,10000,12000",
      description =
          "offered telemetry msg/s of each step, rising, at most 30 (default ${DEFAULT-VALUE})")
  List<Double> rates;

  @Option(
      names = "--target",
      defaultValue = "both",
      description =
          "gateway, mosquitto or both (alternating at every step, gateway first) (default ${DEFAULT-VALUE})")
  String target;

  @Option(
      names = "--gateway-pid",
      defaultValue = "0",
      description = "gateway process id, to count its CPU")
  long gatewayPid;

  @Option(
      names = "--qos",
      defaultValue = "1",
      description = "telemetry QoS, 0 or 1 (default ${DEFAULT-VALUE})")
  int qos;

  @Option(
      names = "--p99-limit",
      defaultValue = "20ms",
      converter = DurationConverter.class,
      description =
          "a step is within the target while PUBACK p99 is at most this (default ${DEFAULT-VALUE})")
  Duration p99Limit;

  @Option(
      names = "--achieved-share",
      defaultValue = "0.95",
      description =
          "... and while this share of the offered rate is sent and acknowledged, 0.5..1 "
              + "(default ${DEFAULT-VALUE})")
  double achievedShare;

  @Option(
      names = "--warmup",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "each step's warm-up after the connect, up to 10m (default ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(
      names = "--duration",
      defaultValue = "40s",
      converter = DurationConverter.class,
      description = "each step's measured window, 1s..30m (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(
      names = "--connect-rate",
      defaultValue = "2000",
      description = "CONNECTs per second at each step (default ${DEFAULT-VALUE})")
  double connectRate;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "simulator event loops (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--report", description = "write the JSON report here")
  Path report;

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || devices > 20_000)
      throw new IllegalArgumentException("--devices must be 1..20000");
    List<Double> offered = LadderSteps.checkRates(rates, devices);
    if (p99Limit.isZero() || p99Limit.isNegative() || p99Limit.toSeconds() > 60)
      throw new IllegalArgumentException("--p99-limit must be above 0 and at most 60s");
    if (achievedShare < 0.5 || achievedShare > 1)
      throw new IllegalArgumentException("--achieved-share must be 0.5..1");
    if (warmup.compareTo(Duration.ofMinutes(10)) > 0)
      throw new IllegalArgumentException("--warmup must be at most 10m");
    if (duration.compareTo(Duration.ofMinutes(30)) > 0)
      throw new IllegalArgumentException("--duration must be at most 30m");
    List<String> order = RunCommand.targets(target);
    List<Member> members;
    if (devicesFile != null) {
      members = Provisioner.read(devicesFile);
      if (members.size() < devices)
        throw new IllegalArgumentException(
            devicesFile + " holds " + members.size() + " devices, fewer than --devices " + devices);
      members = members.subList(0, devices);
    } else if (order.contains("gateway")) {
      throw new IllegalArgumentException("--devices-file is required for the gateway");
    } else {
      members = Member.unprovisioned(devices);
    }
    RunCommand run = RunCommand.withDefaults();
    run.gw = gw;
    run.gatewayPid = gatewayPid;
    run.qos = qos;
    run.warmup = warmup;
    run.duration = duration;
    run.connectRate = connectRate;
    run.threads = threads;
    run.quietMains = true;
    run.probeHeap = false;
    run.validate();

    double limitMs = p99Limit.toNanos() / 1e6;
    int cores = Runtime.getRuntime().availableProcessors();
    List<Ladder.Step> steps = new ArrayList<>();
    List<RunResult> runs = new ArrayList<>();
    for (int i = 0; i < offered.size(); i++) {
      double rate = offered.get(i);
      Duration interval = LadderSteps.interval(devices, rate);
      run.interval = interval;
      for (String t : order) {
        if (LadderSteps.stopped(t, steps)) continue;
        boolean again = false;
        do {
          System.out.printf(
              Locale.ROOT,
              "step %d%s: %s, %d devices × 1 / %d ms = %s msg/s offered%n",
              i + 1,
              again ? " again (one step over the limit does not end the ladder)" : "",
              t,
              devices,
              interval.toMillis(),
              MarkdownTable.plain(rate));
          steps.add(step(run, t, members, i, rate, interval, limitMs, cores, runs));
          again = LadderSteps.retry(t, steps);
        } while (again);
      }
      if (order.stream().allMatch(t -> LadderSteps.stopped(t, steps))) break;
    }
    List<Ladder.Knee> knees = new ArrayList<>();
    for (String t : order) {
      Ladder.Knee k = LadderSteps.knee(t, steps);
      knees.add(k);
      System.out.printf(
          "knee of %s: %s%n",
          t,
          (k.kneePerSecond() == null
                  ? "none (not even the first step)"
                  : MarkdownTable.plain(k.kneePerSecond()) + " msg/s")
              + (k.stoppedBy() == null
                  ? " (every step was within the target)"
                  : "; stopped at " + k.stoppedBy()));
    }
    Ladder ladder =
        new Ladder(
            devices,
            qos,
            limitMs,
            achievedShare,
            warmup.toString(),
            duration.toString(),
            steps,
            knees);
    if (report != null) {
      Reports.write(
          new ReportDocument(Summary.environment(gatewayPid), null, null, runs, null, null, ladder),
          report);
      System.out.println("  report: " + report.toAbsolutePath());
    }
    return 0;
  }

  /** Measures one step against {@code target}; its run goes to {@code runs}. */
  private Ladder.Step step(
      RunCommand run,
      String target,
      List<Member> members,
      int i,
      double rate,
      Duration interval,
      double limitMs,
      int cores,
      List<RunResult> runs)
      throws Exception {
    Ladder.Step step;
    try {
      RunResult r = run.measure(target, members, i);
      runs.add(r);
      step =
          LadderSteps.judge(
              i + 1,
              target,
              rate,
              interval,
              r,
              duration.toSeconds(),
              qos == 1,
              limitMs,
              achievedShare,
              cores);
      System.out.printf(
          Locale.ROOT,
          "  -> %s msg/s acknowledged, PUBACK p50 %s / p99 %s ms, %s%n",
          MarkdownTable.plain(step.ackedPerSecond()),
          r.pubAckMs() == null ? "—" : r.pubAckMs().p50(),
          r.pubAckMs() == null ? "—" : r.pubAckMs().p99(),
          step.within() ? "within the target" : "NOT within: " + step.reason());
    } catch (IllegalStateException e) {
      step = LadderSteps.failed(i + 1, target, rate, interval, String.valueOf(e.getMessage()));
      System.out.println("  -> " + step.reason());
    }
    return step;
  }
}
