package io.upsfleet.load;

import static io.upsfleet.load.Main.round1;
import static io.upsfleet.load.Main.round3;

import io.upsfleet.load.device.SimulatedUps;
import io.upsfleet.load.fleet.Fleet;
import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.fleet.Provisioner;
import io.upsfleet.load.mqtt.DeviceConnection;
import io.upsfleet.load.mqtt.Stats;
import io.upsfleet.load.result.Percentiles;
import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.Reports;
import io.upsfleet.load.result.RunResult;
import io.upsfleet.load.result.RunSettings;
import io.upsfleet.load.result.SummaryView;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code run}: measures a scenario round by round: S1 connect, S2 steady telemetry, and optionally
 * S3 (an outage wave, with notifications), S4 (command round trips) and S5 (a node killed), against
 * the gateway, Mosquitto or both; writes a {@link ReportDocument}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Measure a scenario: connect the fleet at a fixed rate (S1), warm up, then measure steady telemetry "
            + "(S2) for a bounded time, optionally with command round trips (S4), an outage wave afterwards (S3) or a "
            + "node killed with SIGKILL during the window (S5). --target both alternates gateway and Mosquitto; "
            + "--rounds repeats everything and the summary gives the median and min-max of every figure.")
final class RunCommand implements Callable<Integer> {
  @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

  @Option(names = "--devices-file", description = "CSV from 'provision' (required)")
  Path devicesFile;

  @Option(names = "--devices", description = "use only the first N devices of the file")
  Integer devices;

  @Option(
      names = "--target",
      defaultValue = "gateway",
      description = "gateway, mosquitto or both (default ${DEFAULT-VALUE})")
  String target;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description =
          "repetitions (with --target both: A/B rounds, gateway first) (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(
      names = "--gateway-pid",
      defaultValue = "0",
      description = "gateway process id, to count its CPU")
  long gatewayPid;

  @Option(
      names = "--mqtt-nodes",
      split = ",",
      description =
          "S5: several gateway nodes' MQTT host:port (comma-separated); devices spread over them and move "
              + "to the next one when a connection fails (overrides --mqtt for the gateway target)")
  List<String> mqttNodes;

  @Option(
      names = "--kill-pid",
      defaultValue = "0",
      description = "S5: SIGKILL this process (a gateway node) during the measured window")
  long killPid;

  @Option(
      names = "--kill-after",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "S5: how far into the measured window (default ${DEFAULT-VALUE})")
  Duration killAfter;

  @Option(
      names = "--interval",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "telemetry interval per device (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(
      names = "--tick",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "how often a simulated device looks at its mains, load and commands, whatever the telemetry "
              + "interval (a status change is reported at once) (default ${DEFAULT-VALUE})")
  Duration tick;

  @Option(
      names = "--qos",
      defaultValue = "1",
      description = "telemetry QoS, 0 or 1 (default ${DEFAULT-VALUE})")
  int qos;

  @Option(
      names = "--connect-rate",
      defaultValue = "2000",
      description = "CONNECTs per second (default ${DEFAULT-VALUE})")
  double connectRate;

  @Option(
      names = "--connect-deadline",
      defaultValue = "180s",
      converter = DurationConverter.class,
      description =
          "S1: how long to wait for every device to connect before warming up regardless "
              + "(default ${DEFAULT-VALUE})")
  Duration connectDeadline;

  @Option(
      names = "--warmup",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "(default ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(
      names = "--duration",
      defaultValue = "120s",
      converter = DurationConverter.class,
      description = "measured time (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "simulator event loops (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--report", description = "write the JSON report here")
  Path report;

  @Option(
      names = "--html",
      description = "write the HTML report (charts, no network resources) here")
  Path html;

  @Option(
      names = "--command-rate",
      defaultValue = "0",
      description =
          "S4: command round trips per second through the API during the steady window (0 = none)")
  double commandRate;

  @Option(
      names = "--outage-share",
      defaultValue = "0",
      description =
          "S3: after the steady window, this share of the fleet loses mains at once (0 = no wave)")
  double outageShare;

  @Option(
      names = "--outage-duration",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "how long the wave lasts (default ${DEFAULT-VALUE})")
  Duration outageDuration;

  @Option(
      names = "--notify",
      defaultValue = "false",
      description =
          "S3 with notifications on: before the wave, put the devices in sites (--sites), start a local "
              + "webhook receiver and create a signed webhook destination and an ON_BATTERY/POWER_RESTORED "
              + "policy per account; report each device's latency from its on-battery sample to the first "
              + "message covering it, and messages per site (the gateway needs "
              + "UPSFLEET_NOTIFY_ALLOW_LOOPBACK=true)")
  boolean notify;

  @Option(
      names = "--sites",
      defaultValue = "100",
      description =
          "with --notify: about this many sites over the fleet (default ${DEFAULT-VALUE})")
  int sites;

  @Option(
      names = "--notify-settle",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "with --notify: how long after the wave ends (mains back) to keep receiving "
              + "(default ${DEFAULT-VALUE})")
  Duration notifySettle;

  @Option(
      names = "--quiet-mains",
      defaultValue = "false",
      description =
          "no brownouts: mains fails only in the outage wave (the default mains is realistic: each "
              + "device has a brief brownout every 15-80 min, which at 19 500 devices is ~10 a second and "
              + "keeps site incidents open)")
  boolean quietMains;

  @Option(
      names = "--notify-port",
      defaultValue = "0",
      description = "with --notify: the receiver's loopback port (default 0: any free port)")
  int notifyPort;

  @Option(
      names = "--sample-on-connect",
      defaultValue = "false",
      description =
          "every device publishes its first sample right after CONNACK, as a real UPS reports its state "
              + "when it connects (default: the first samples spread over one interval), so that with a "
              + "long --interval every entity holds a latest sample when the heap is measured")
  boolean sampleOnConnect;

  @Option(
      names = "--barrier",
      description =
          "a directory shared by several harness processes measuring one multi-node run together: after "
              + "its warm-up each writes ready-<pid> there and waits (up to --barrier-wait) for a file named "
              + "go before its measured window, so that their windows coincide")
  Path barrier;

  @Option(
      names = "--barrier-wait",
      defaultValue = "30m",
      converter = DurationConverter.class,
      description = "with --barrier: how long to wait for go (default ${DEFAULT-VALUE})")
  Duration barrierWait;

  private NotifyRun notifyRun;

  /**
   * Whether a gateway round measures the heap per device before and after the connect (a full GC of
   * the target each time); the ladder turns it off.
   */
  boolean probeHeap = true;

  /**
   * A {@code run} with every option at its default, for the commands that measure rounds with it
   * ({@code ladder}, {@code calibrate}) and set the options they need.
   */
  static RunCommand withDefaults() {
    return CommandLine.populateCommand(new RunCommand());
  }

  @Override
  public Integer call() throws Exception {
    if (notify) {
      if (outageShare <= 0 || target.equals("mosquitto"))
        throw new IllegalArgumentException("--notify needs --outage-share > 0 and the gateway");
      if (sites < 1) throw new IllegalArgumentException("--sites must be at least 1");
    }
    try (NotifyRun n =
        notify ? NotifyRun.start(gw, devicesFile, devices, sites, notifyPort) : null) {
      notifyRun = n;
      return measureAll();
    }
  }

  private Integer measureAll() throws Exception {
    if (devicesFile == null) throw new IllegalArgumentException("--devices-file is required");
    validate();
    if (rounds < 1 || rounds > 20) throw new IllegalArgumentException("--rounds must be 1..20");
    List<Member> members = Provisioner.read(devicesFile);
    if (devices != null) members = members.subList(0, Math.min(devices, members.size()));
    List<RunResult> results = new ArrayList<>();
    List<String> order = targets(target);
    if (killPid > 0 && rounds > 1)
      throw new IllegalArgumentException("--kill-pid needs --rounds 1");
    List<ReportDocument.FailedRun> failed = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (String t : order) {
        try {
          results.add(measure(t, members, round));
        } catch (IllegalStateException e) {
          // A round that could not run is reported as such, never as a measurement of zero.
          System.out.printf("  [%s round %d] FAILED: %s%n", t, round + 1, e.getMessage());
          failed.add(new ReportDocument.FailedRun(t, round + 1, String.valueOf(e.getMessage())));
        }
      }
    }
    SummaryView summary = Summary.aggregate(results);
    Summary.print(results, summary, System.out);
    ReportDocument doc =
        new ReportDocument(
            Summary.environment(gatewayPid),
            settings(members.size()),
            summary,
            results,
            failed.isEmpty() ? null : failed);
    if (report != null) {
      Reports.write(doc, report);
      System.out.println("  report: " + report.toAbsolutePath());
    }
    if (html != null) {
      HtmlReport.write(Reports.tree(doc), html);
      System.out.println("  HTML report: " + html.toAbsolutePath());
    }
    return 0;
  }

  /** The targets of {@code --target} in the order they run. */
  static List<String> targets(String target) {
    return switch (target) {
      case "gateway" -> List.of("gateway");
      case "mosquitto" -> List.of("mosquitto");
      case "both" -> List.of("gateway", "mosquitto");
      default -> throw new IllegalArgumentException("--target must be gateway, mosquitto or both");
    };
  }

  /** The options every round needs, checked. */
  void validate() {
    if (qos != 0 && qos != 1) throw new IllegalArgumentException("--qos must be 0 or 1");
    if (tick.isZero() || tick.isNegative())
      throw new IllegalArgumentException("--tick must be positive");
    if (interval.compareTo(Duration.ofMillis(10)) < 0)
      throw new IllegalArgumentException(
          "--interval must be at least 10ms (the simulated devices send on a 5-ms grid)");
    if (warmup.isNegative()) throw new IllegalArgumentException("--warmup must not be negative");
    if (duration.toSeconds() < 1) throw new IllegalArgumentException("--duration must be >= 1s");
    if (threads < 1 || threads > 64) throw new IllegalArgumentException("--threads must be 1..64");
    if (connectRate <= 0) throw new IllegalArgumentException("--connect-rate must be positive");
  }

  /** The options, as a report records them. */
  RunSettings settings(int devices) {
    return new RunSettings(
        devices,
        target,
        rounds,
        interval.toString(),
        tick.toString(),
        qos,
        connectRate,
        warmup.toString(),
        duration.toString(),
        commandRate,
        outageShare,
        outageDuration.toString(),
        mqttNodes == null ? 1 : mqttNodes.size(),
        killPid > 0 ? killAfter.toString() : null,
        notify ? Boolean.TRUE : null,
        notify ? sites : null,
        notify ? notifySettle.toString() : null,
        quietMains ? Boolean.TRUE : null,
        sampleOnConnect ? Boolean.TRUE : null);
  }

  private List<InetSocketAddress> gatewayServers() {
    if (mqttNodes == null || mqttNodes.isEmpty()) return List.of(gw.mqttAddress());
    List<InetSocketAddress> out = new ArrayList<>();
    for (String n : mqttNodes) out.add(GatewayOptions.parseHostPort(n.trim(), "--mqtt-nodes"));
    return out;
  }

  /**
   * One round against {@code target} ({@code gateway} or {@code mosquitto}, which it starts and
   * stops): connect, warm up, measure.
   *
   * @param round 0-based; it seeds the fleet
   * @throws IllegalStateException when no device could connect
   */
  RunResult measure(String target, List<Member> members, int round) throws Exception {
    Mosquitto mosquitto = target.equals("mosquitto") ? Mosquitto.start() : null;
    try {
      List<InetSocketAddress> servers =
          mosquitto != null ? List.of(mosquitto.address()) : gatewayServers();
      long targetPid = mosquitto != null ? mosquitto.pid() : gatewayPid;
      Duration deviceTick = tick.compareTo(interval) < 0 ? tick : interval;
      DeviceConnection.Options options =
          new DeviceConnection.Options(
              interval,
              qos == 1,
              deviceTick,
              120,
              mosquitto == null,
              mosquitto == null,
              sampleOnConnect);
      // Only ever at a JVM: jcmd signals its target with SIGQUIT, which ends a Mosquitto broker.
      long heapBefore = mosquitto == null && probeHeap ? HeapProbe.usedAfterGc(targetPid) : -1;
      System.out.printf(
          "  [%s round %d] connecting %d devices at %.0f/s%n",
          target, round + 1, members.size(), connectRate);
      long t0 = System.nanoTime();
      try (Fleet fleet =
          Fleet.start(
              members,
              servers,
              options,
              threads,
              connectRate,
              quietMains ? SimulatedUps.Faults.QUIET : SimulatedUps.Faults.NONE,
              round)) {
        Stats stats = fleet.stats();
        long deadline = t0 + connectDeadline.toNanos();
        List<RunResult.ConnectPoint> connectTimeline = new ArrayList<>();
        while (stats.online() < members.size() && System.nanoTime() < deadline) {
          Thread.sleep(500);
          connectTimeline.add(
              new RunResult.ConnectPoint(round1((System.nanoTime() - t0) / 1e9), stats.online()));
          Progress.line("[%s] connecting: %d/%d online", target, stats.online(), members.size());
        }
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        if (stats.online() == 0) {
          throw new IllegalStateException(
              "no device could connect to "
                  + target
                  + " "
                  + servers
                  + " (refusals "
                  + stats.refusals()
                  + ")");
        }
        Histogram connAck = stats.takeConnAck();
        Progress.done();
        long heapAfter =
            stats.online() == members.size() && heapBefore > 0
                ? HeapProbe.usedAfterGc(targetPid)
                : -1;
        Double heapPerDeviceKb =
            heapBefore > 0 && heapAfter > 0 && mosquitto == null
                ? round1((heapAfter - heapBefore) / 1024.0 / members.size())
                : null;
        System.out.printf(
            "  [%s] %d/%d connected in %.1f s%s; warming up %s%n",
            target,
            stats.online(),
            members.size(),
            connectSeconds,
            heapPerDeviceKb == null ? "" : ", heap +" + heapPerDeviceKb + " KB per device",
            warmup);
        Thread.sleep(warmup.toMillis());
        if (barrier != null) Barrier.await(barrier, barrierWait);
        stats.takePubAck("telemetry");
        long sentBefore = stats.published("telemetry");
        long ackedBefore = stats.acknowledged("telemetry");
        CommandProbe probe =
            commandRate > 0 && mosquitto == null
                ? new CommandProbe(gw.gateway, gw.signIn().token(), members, commandRate)
                : null;
        long cpuSelf = CpuClock.self();
        long cpuTarget = CpuClock.of(targetPid);
        long cpuPostgres = mosquitto == null ? CpuClock.ofCommand("postgres") : -1;
        Failover failover =
            killPid > 0 && mosquitto == null ? new Failover(killPid, killAfter) : null;
        long m0 = System.nanoTime();
        Histogram pubAck = new Histogram(Stats.MAX_NANOS, 3);
        List<RunResult.Second> timeline = new ArrayList<>();
        long lastSent = sentBefore;
        long lastAcked = ackedBefore;
        for (int second = 1; second <= duration.toSeconds(); second++) {
          Thread.sleep(
              Math.max(0, m0 + TimeUnit.SECONDS.toNanos(second) - System.nanoTime()) / 1_000_000);
          Histogram h = stats.takePubAck("telemetry");
          pubAck.add(h);
          long sentNow = stats.published("telemetry");
          long ackedNow = stats.acknowledged("telemetry");
          RunResult.Second point =
              new RunResult.Second(
                  second,
                  sentNow - lastSent,
                  ackedNow - lastAcked,
                  h.getTotalCount() == 0 ? null : Percentiles.ms(h.getValueAtPercentile(50)),
                  h.getTotalCount() == 0 ? null : Percentiles.ms(h.getValueAtPercentile(99)),
                  stats.online());
          timeline.add(point);
          lastSent = sentNow;
          lastAcked = ackedNow;
          if (failover != null) failover.observe(second, stats.online(), members.size());
          Progress.line(
              "[%s] %3d/%d s: %d msg/s acked, p99 %s ms, %d online",
              target, second, duration.toSeconds(), point.acked(), point.p99(), stats.online());
        }
        Progress.done();
        RunResult.CommandRoundTrip commands = null;
        if (probe != null) {
          probe.close();
          Percentiles p = Percentiles.of(probe.take());
          commands =
              new RunResult.CommandRoundTrip(
                  p.count(), p.p50(), p.p99(), p.p999(), p.max(), probe.failed(), commandRate);
        }
        double seconds = (System.nanoTime() - m0) / 1e9;
        long sent = stats.published("telemetry") - sentBefore;
        long acked = stats.acknowledged("telemetry") - ackedBefore;
        long cpuSelfUsed = CpuClock.self() - cpuSelf;
        long cpuTargetUsed =
            targetPid > 0 && cpuTarget >= 0 && failover == null
                ? CpuClock.of(targetPid) - cpuTarget
                : -1;
        long cpuPostgresUsed = cpuPostgres >= 0 ? CpuClock.ofCommand("postgres") - cpuPostgres : -1;
        RunResult.OutageWave wave =
            outageShare > 0 && mosquitto == null
                ? OutageWave.run(
                    gw, outageShare, outageDuration, fleet, stats, notifyRun, notifySettle)
                : null;
        return new RunResult(
            target,
            round + 1,
            members.size(),
            stats.online(),
            round1(connectSeconds),
            Percentiles.of(connAck),
            heapPerDeviceKb,
            heapAfter > 0 ? round1(heapAfter / 1048576.0) : null,
            sent,
            round1(sent / seconds),
            acked,
            Percentiles.of(pubAck),
            sent == 0 ? null : round1(cpuSelfUsed / 1e3 / sent),
            cpuTargetUsed < 0 || sent == 0 ? null : round1(cpuTargetUsed / 1e3 / sent),
            cpuPostgresUsed < 0 || sent == 0 ? null : round1(cpuPostgresUsed / 1e3 / sent),
            round1(cpuSelfUsed / 1e9 / seconds),
            cpuTargetUsed < 0 ? null : round3(cpuTargetUsed / 1e9 / seconds),
            cpuPostgresUsed < 0 ? null : round3(cpuPostgresUsed / 1e9 / seconds),
            stats.disconnects(),
            stats.refusals(),
            stats.behindSchedule(),
            connectTimeline,
            timeline,
            wave,
            commands,
            failover == null ? null : failover.result(),
            null);
      }
    } finally {
      if (mosquitto != null) mosquitto.close();
    }
  }
}
