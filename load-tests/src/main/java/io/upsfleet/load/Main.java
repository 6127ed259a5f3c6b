package io.upsfleet.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.load.device.SimulatedUps;
import io.upsfleet.load.fleet.Fleet;
import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.fleet.Provisioner;
import io.upsfleet.load.mqtt.DeviceConnection;
import io.upsfleet.load.mqtt.Stats;
import io.upsfleet.load.notify.NotifyAccounting;
import io.upsfleet.load.notify.NotifyResult;
import io.upsfleet.load.notify.NotifySetup;
import io.upsfleet.load.notify.WebhookReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fleet simulator and load harness. {@code provision} registers devices through the API; {@code
 * fleet} keeps a living fleet connected (the demo's); {@code run} measures a scenario against the
 * gateway or against Mosquitto, or both alternately with the ratio ({@code --target both}).
 */
@Command(
    name = "upsfleet-load",
    mixinStandardHelpOptions = true,
    subcommands = {
      Main.Provision.class,
      Main.FleetCommand.class,
      Main.Run.class,
      Main.Report.class,
      NutCommand.class
    },
    description =
        "Simulated UPS fleets for upsfleet: provision, run a living fleet, measure scenarios.")
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Options shared by the commands that talk to a gateway. */
  static class GatewayOptions {
    @Option(
        names = "--gateway",
        description = "gateway HTTP base URL (default ${DEFAULT-VALUE})",
        defaultValue = "http://127.0.0.1:8080")
    URI gateway;

    @Option(
        names = "--mqtt",
        description = "MQTT host:port of the target (default ${DEFAULT-VALUE})",
        defaultValue = "127.0.0.1:1883")
    String mqtt;

    @Option(
        names = "--user",
        description = "support user (default ${DEFAULT-VALUE})",
        defaultValue = "support")
    String user;

    @Option(
        names = "--password",
        description = "its password (or env UPSFLEET_LOAD_PASSWORD)",
        defaultValue = "${env:UPSFLEET_LOAD_PASSWORD}")
    String password;

    InetSocketAddress mqttAddress() {
      return parseHostPort(mqtt, "--mqtt");
    }

    static InetSocketAddress parseHostPort(String value, String option) {
      int colon = value.lastIndexOf(':');
      int port;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (colon <= 0 || port < 1 || port > 65535) {
        throw new IllegalArgumentException(option + " must be host:port, not " + value);
      }
      return new InetSocketAddress(value.substring(0, colon), port);
    }

    UpsfleetClient signIn() {
      if (password == null || password.isBlank()) {
        throw new IllegalArgumentException("--password (or UPSFLEET_LOAD_PASSWORD) is required");
      }
      UpsfleetClient c = new UpsfleetClient(gateway);
      c.signIn(user, password);
      return c;
    }
  }

  @Command(
      name = "provision",
      mixinStandardHelpOptions = true,
      description =
          "Register devices through the API (bulk) and write their serials and secrets to a CSV file.")
  static final class Provision implements Callable<Integer> {
    @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

    @Option(names = "--devices", required = true, description = "how many devices")
    int devices;

    @Option(
        names = "--accounts",
        defaultValue = "5",
        description = "spread over this many new accounts (default ${DEFAULT-VALUE})")
    int accounts;

    @Option(
        names = "--prefix",
        defaultValue = "LT",
        description = "serial prefix, 2 letters/digits (default ${DEFAULT-VALUE})")
    String prefix;

    @Option(
        names = "--out",
        defaultValue = "devices.csv",
        description = "CSV file to write (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws IOException {
      validatePrefix(prefix);
      long started = System.nanoTime();
      List<Member> members =
          Provisioner.provision(
              gw.signIn(),
              prefix,
              devices,
              accounts,
              System.nanoTime(),
              n -> System.out.printf("\r  registered %d/%d", n, devices));
      Provisioner.write(out, members);
      System.out.printf(
          "%n  %d devices in %.1f s, written to %s%n",
          members.size(), (System.nanoTime() - started) / 1e9, out.toAbsolutePath());
      return 0;
    }
  }

  @Command(
      name = "fleet",
      mixinStandardHelpOptions = true,
      description =
          "Keep a living simulated fleet connected (registering it first, unless --state holds one), with "
              + "occasional outages, until stopped.")
  static final class FleetCommand implements Callable<Integer> {
    @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

    @Option(
        names = "--devices",
        defaultValue = "300",
        description = "devices (default ${DEFAULT-VALUE})")
    int devices;

    @Option(
        names = "--accounts",
        defaultValue = "4",
        description = "accounts (default ${DEFAULT-VALUE})")
    int accounts;

    @Option(
        names = "--state",
        defaultValue = "fleet.csv",
        description = "CSV of the fleet, reused across runs")
    Path state;

    @Option(
        names = "--interval",
        defaultValue = "15s",
        converter = DurationConverter.class,
        description = "telemetry interval per device (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(
        names = "--outage-every",
        defaultValue = "90s",
        converter = DurationConverter.class,
        description = "how often a few devices lose mains (default ${DEFAULT-VALUE}; 0 for never)")
    Duration outageEvery;

    @Option(
        names = "--person-at-lcd",
        defaultValue = "false",
        description =
            "a person at each UPS's LCD installs the firmware the gateway offers on its display"
                + " (devices on Basic; default ${DEFAULT-VALUE})")
    boolean personAtLcd;

    @Override
    public Integer call() throws Exception {
      List<Member> members;
      if (Files.exists(state)) {
        members = Provisioner.read(state);
      } else {
        UpsfleetClient support = gw.signIn();
        List<String> accountIds = new ArrayList<>();
        members = Provisioner.provision(support, "DM", devices, accounts, 42, n -> {}, accountIds);
        // Every tenth device of the first account gets Advanced, so outlet-group reboots can be
        // tried at once.
        List<Member> first =
            members.subList(0, Math.max(1, members.size() / Math.max(1, accounts)));
        int advanced = Provisioner.makeAdvanced(support, first, accountIds.get(0), 10);
        System.out.printf(
            "  registered %d devices; %d of them on Advanced%n", members.size(), advanced);
        Provisioner.write(state, members);
      }
      DeviceConnection.Options options =
          new DeviceConnection.Options(interval, true, Duration.ofSeconds(2), 60, true, true);
      try (Fleet fleet =
          Fleet.start(
              members,
              gw.mqttAddress(),
              options,
              2,
              200,
              SimulatedUps.Faults.NONE.withPersonAtLcd(personAtLcd),
              42)) {
        System.out.printf("  simulated fleet: %d devices on %s%n", members.size(), gw.mqtt);
        long lastOutage = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(5_000);
          if (!outageEvery.isZero() && System.nanoTime() - lastOutage > outageEvery.toNanos()) {
            int hit =
                fleet.outage(0.02, Duration.ofSeconds(30 + (long) (Math.random() * 90))).size();
            System.out.printf(
                "  %s: %d devices lost mains; %d online%n",
                Instant.now(), hit, fleet.stats().online());
            lastOutage = System.nanoTime();
          }
        }
      }
      return 0;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Measure a scenario: connect the fleet at a fixed rate (S1), warm up, then measure steady telemetry "
              + "(S2) for a bounded time, optionally with command round trips (S4), an outage wave afterwards (S3) or a "
              + "node killed with SIGKILL during the window (S5). --target both alternates gateway and Mosquitto; "
              + "--rounds repeats everything and the summary gives the median and min-max of every figure.")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

    @Option(names = "--devices-file", required = true, description = "CSV from 'provision'")
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

    private NotifyRun notifyRun;

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
      if (qos != 0 && qos != 1) throw new IllegalArgumentException("--qos must be 0 or 1");
      if (rounds < 1 || rounds > 20) throw new IllegalArgumentException("--rounds must be 1..20");
      if (tick.isZero() || tick.isNegative())
        throw new IllegalArgumentException("--tick must be positive");
      List<Member> members = Provisioner.read(devicesFile);
      if (devices != null) members = members.subList(0, Math.min(devices, members.size()));
      List<Map<String, Object>> results = new ArrayList<>();
      List<String> order =
          switch (target) {
            case "gateway" -> List.of("gateway");
            case "mosquitto" -> List.of("mosquitto");
            case "both" -> List.of("gateway", "mosquitto");
            default ->
                throw new IllegalArgumentException("--target must be gateway, mosquitto or both");
          };
      if (killPid > 0 && rounds > 1)
        throw new IllegalArgumentException("--kill-pid needs --rounds 1");
      List<Map<String, Object>> failed = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        for (String t : order) {
          try {
            results.add(measure(t, members, round));
          } catch (IllegalStateException e) {
            // A round that could not run is reported as such, never as a measurement of zero.
            System.out.printf("  [%s round %d] FAILED: %s%n", t, round + 1, e.getMessage());
            failed.add(
                Map.of("target", t, "round", round + 1, "reason", String.valueOf(e.getMessage())));
          }
        }
      }
      Map<String, Object> summary = Summary.aggregate(results);
      Summary.print(results, summary, System.out);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("environment", Summary.environment(gatewayPid));
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("devices", members.size());
      settings.put("target", target);
      settings.put("rounds", rounds);
      settings.put("interval", interval.toString());
      settings.put("tick", tick.toString());
      settings.put("qos", qos);
      settings.put("connectRate", connectRate);
      settings.put("warmup", warmup.toString());
      settings.put("duration", duration.toString());
      settings.put("commandRate", commandRate);
      settings.put("outageShare", outageShare);
      settings.put("outageDuration", outageDuration.toString());
      settings.put("mqttNodes", mqttNodes == null ? 1 : mqttNodes.size());
      if (killPid > 0) settings.put("killAfter", killAfter.toString());
      if (notify) {
        settings.put("notify", true);
        settings.put("sites", sites);
        settings.put("notifySettle", notifySettle.toString());
      }
      if (quietMains) settings.put("quietMains", true);
      doc.put("settings", settings);
      doc.put("summary", summary);
      doc.put("runs", results);
      if (!failed.isEmpty()) doc.put("failedRuns", failed);
      if (report != null) {
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(report.toFile(), doc);
        System.out.println("  report: " + report.toAbsolutePath());
      }
      if (html != null) {
        HtmlReport.write(doc, html);
        System.out.println("  HTML report: " + html.toAbsolutePath());
      }
      return 0;
    }

    private List<InetSocketAddress> gatewayServers() {
      if (mqttNodes == null || mqttNodes.isEmpty()) return List.of(gw.mqttAddress());
      List<InetSocketAddress> out = new ArrayList<>();
      for (String n : mqttNodes) out.add(GatewayOptions.parseHostPort(n.trim(), "--mqtt-nodes"));
      return out;
    }

    private Map<String, Object> measure(String target, List<Member> members, int round)
        throws Exception {
      Mosquitto mosquitto = target.equals("mosquitto") ? Mosquitto.start() : null;
      try {
        List<InetSocketAddress> servers =
            mosquitto != null ? List.of(mosquitto.address()) : gatewayServers();
        long targetPid = mosquitto != null ? mosquitto.pid() : gatewayPid;
        Duration deviceTick = tick.compareTo(interval) < 0 ? tick : interval;
        DeviceConnection.Options options =
            new DeviceConnection.Options(
                interval, qos == 1, deviceTick, 120, mosquitto == null, mosquitto == null);
        // Only ever at a JVM: jcmd signals its target with SIGQUIT, which ends a Mosquitto broker.
        long heapBefore = mosquitto == null ? HeapProbe.usedAfterGc(targetPid) : -1;
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
          List<Map<String, Object>> connectTimeline = new ArrayList<>();
          while (stats.online() < members.size() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            connectTimeline.add(
                Map.of("second", round1((System.nanoTime() - t0) / 1e9), "online", stats.online()));
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
          List<Map<String, Object>> timeline = new ArrayList<>();
          long lastSent = sentBefore;
          long lastAcked = ackedBefore;
          for (int second = 1; second <= duration.toSeconds(); second++) {
            Thread.sleep(
                Math.max(0, m0 + TimeUnit.SECONDS.toNanos(second) - System.nanoTime()) / 1_000_000);
            Histogram h = stats.takePubAck("telemetry");
            pubAck.add(h);
            long sentNow = stats.published("telemetry");
            long ackedNow = stats.acknowledged("telemetry");
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("second", second);
            point.put("sent", sentNow - lastSent);
            point.put("acked", ackedNow - lastAcked);
            point.put(
                "p50", h.getTotalCount() == 0 ? null : Summary.ms(h.getValueAtPercentile(50)));
            point.put(
                "p99", h.getTotalCount() == 0 ? null : Summary.ms(h.getValueAtPercentile(99)));
            point.put("online", stats.online());
            timeline.add(point);
            lastSent = sentNow;
            lastAcked = ackedNow;
            if (failover != null) failover.observe(second, stats.online(), members.size());
            Progress.line(
                "[%s] %3d/%d s: %d msg/s acked, p99 %s ms, %d online",
                target,
                second,
                duration.toSeconds(),
                point.get("acked"),
                point.get("p99"),
                stats.online());
          }
          Progress.done();
          Map<String, Object> commands = null;
          if (probe != null) {
            probe.close();
            commands = new LinkedHashMap<>(Summary.percentiles(probe.take()));
            commands.put("failed", probe.failed());
            commands.put("perSecond", commandRate);
          }
          double seconds = (System.nanoTime() - m0) / 1e9;
          long sent = stats.published("telemetry") - sentBefore;
          long acked = stats.acknowledged("telemetry") - ackedBefore;
          long cpuSelfUsed = CpuClock.self() - cpuSelf;
          long cpuTargetUsed =
              targetPid > 0 && cpuTarget >= 0 && failover == null
                  ? CpuClock.of(targetPid) - cpuTarget
                  : -1;
          long cpuPostgresUsed =
              cpuPostgres >= 0 ? CpuClock.ofCommand("postgres") - cpuPostgres : -1;
          Map<String, Object> wave =
              outageShare > 0 && mosquitto == null
                  ? outageWave(
                      gw, outageShare, outageDuration, fleet, stats, notifyRun, notifySettle)
                  : null;
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("target", target);
          r.put("round", round + 1);
          r.put("devices", members.size());
          r.put("connected", stats.online());
          r.put("connectSeconds", round1(connectSeconds));
          r.put("connAckMs", Summary.percentiles(connAck));
          r.put("heapPerDeviceKb", heapPerDeviceKb);
          r.put("heapUsedAfterGcMb", heapAfter > 0 ? round1(heapAfter / 1048576.0) : null);
          r.put("messages", sent);
          r.put("messagesPerSecond", round1(sent / seconds));
          r.put("acknowledged", acked);
          r.put("pubAckMs", Summary.percentiles(pubAck));
          r.put(
              "simulatorCpuMicrosPerMessage", sent == 0 ? null : round1(cpuSelfUsed / 1e3 / sent));
          r.put(
              "targetCpuMicrosPerMessage",
              cpuTargetUsed < 0 || sent == 0 ? null : round1(cpuTargetUsed / 1e3 / sent));
          r.put(
              "postgresCpuMicrosPerMessage",
              cpuPostgresUsed < 0 || sent == 0 ? null : round1(cpuPostgresUsed / 1e3 / sent));
          r.put("simulatorCpuShare", round1(cpuSelfUsed / 1e9 / seconds));
          r.put("disconnects", stats.disconnects());
          r.put("refusals", stats.refusals());
          r.put("behindSchedule", stats.behindSchedule());
          r.put("connectTimeline", connectTimeline);
          r.put("timeline", timeline);
          if (wave != null) r.put("outageWave", wave);
          if (commands != null) r.put("commandRoundTripMs", commands);
          if (failover != null) r.put("failover", failover.result());
          return r;
        }
      } finally {
        if (mosquitto != null) mosquitto.close();
      }
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "Combine JSON reports of separate runs (e.g. one per gateway restart) into one: every run, the "
              + "median and min-max of every figure, and optionally the HTML report.")
  static final class Report implements Callable<Integer> {
    @CommandLine.Parameters(arity = "1..*", description = "JSON reports written by 'run --report'")
    List<Path> reports;

    @Option(names = "--out", description = "write the combined JSON report here")
    Path out;

    @Option(names = "--html", description = "write the combined HTML report here")
    Path html;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws IOException {
      ObjectMapper json = new ObjectMapper();
      List<Map<String, Object>> runs = new ArrayList<>();
      Map<String, Object> first = null;
      int round = 0;
      for (Path p : reports) {
        Map<String, Object> doc = json.readValue(p.toFile(), Map.class);
        if (first == null) first = doc;
        if (!(doc.get("runs") instanceof List<?> list))
          throw new IllegalArgumentException(p + " has no runs");
        for (Object r : list) {
          Map<String, Object> run = new LinkedHashMap<>((Map<String, Object>) r);
          run.put("round", ++round);
          run.put("source", p.getFileName().toString());
          runs.add(run);
        }
      }
      Map<String, Object> summary = Summary.aggregate(runs);
      Summary.print(runs, summary, System.out);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("environment", first.get("environment"));
      doc.put("settings", first.get("settings"));
      doc.put("summary", summary);
      doc.put("runs", runs);
      if (out != null)
        json.enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
      if (html != null) HtmlReport.write(doc, html);
      return 0;
    }
  }

  /**
   * S5: kills a gateway node with SIGKILL at a point of the measured window and follows the fleet
   * until every device is connected (attached to its entity on a surviving node) again.
   */
  static final class Failover {
    private final long pid;
    private final long killAtSecond;
    private long killedAtNanos = -1;
    private int onlineAfterKillLow = Integer.MAX_VALUE;
    private double servedAgainSeconds = -1;

    Failover(long pid, Duration after) {
      this.pid = pid;
      this.killAtSecond = Math.max(1, after.toSeconds());
    }

    void observe(int second, long online, int devices) {
      if (killedAtNanos < 0 && second >= killAtSecond) {
        ProcessHandle.of(pid)
            .ifPresentOrElse(
                ProcessHandle::destroyForcibly,
                () -> {
                  throw new IllegalStateException("no process " + pid + " to kill");
                });
        killedAtNanos = System.nanoTime();
        System.out.printf(
            "%n  [gateway] S5: killed process %d (SIGKILL) at second %d%n", pid, second);
        return;
      }
      if (killedAtNanos < 0) return;
      onlineAfterKillLow = (int) Math.min(onlineAfterKillLow, online);
      if (servedAgainSeconds < 0 && onlineAfterKillLow < devices && online >= devices) {
        servedAgainSeconds = round1((System.nanoTime() - killedAtNanos) / 1e9);
      }
    }

    Map<String, Object> result() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("killedPid", pid);
      m.put("killedAtSecond", killAtSecond);
      m.put(
          "lowestOnlineAfterKill",
          onlineAfterKillLow == Integer.MAX_VALUE ? null : onlineAfterKillLow);
      m.put("allServedAgainSeconds", servedAgainSeconds < 0 ? null : servedAgainSeconds);
      return m;
    }
  }

  /**
   * S3: a share of the fleet loses mains at once; measures how long until the gateway's read model
   * shows every one of them on battery (each status change committed and projected), and the PUBACK
   * latency of everyone meanwhile.
   */
  static Map<String, Object> outageWave(
      GatewayOptions gw,
      double outageShare,
      Duration outageDuration,
      Fleet fleet,
      Stats stats,
      NotifyRun notify,
      Duration settle)
      throws InterruptedException {
    UpsfleetClient support = gw.signIn();
    stats.takePubAck("telemetry");
    stats.takeOnBatteryPublished();
    if (notify != null) notify.receiver().clear();
    long t0 = System.nanoTime();
    Set<String> hit = new HashSet<>(fleet.outage(outageShare, outageDuration));
    System.out.printf("  [gateway] outage wave: %d devices lost mains%n", hit.size());
    long deadline = t0 + outageDuration.toNanos();
    Set<String> seen = new HashSet<>();
    double committed = -1;
    while (System.nanoTime() < deadline) {
      seen = onBattery(support);
      seen.retainAll(hit);
      if (seen.size() == hit.size()) {
        committed = (System.nanoTime() - t0) / 1e9;
        break;
      }
      Thread.sleep(100);
    }
    Histogram during = stats.takePubAck("telemetry");
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("devices", hit.size());
    w.put("seenOnBattery", seen.size());
    w.put("allCommittedSeconds", committed < 0 ? null : round1(committed));
    w.put("pubAckMsDuringWave", Summary.percentiles(during));
    if (notify != null) {
      long until = t0 + outageDuration.toNanos() + settle.toNanos();
      while (System.nanoTime() < until) {
        Progress.line(
            "[gateway] S3 notifications: %d posts received, %.0f s to go",
            notify.receiver().arrivals().size(), (until - System.nanoTime()) / 1e9);
        Thread.sleep(Math.min(1000, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
      Progress.done();
      Map<String, Long> published = new HashMap<>(stats.takeOnBatteryPublished());
      published.keySet().retainAll(hit);
      NotifyResult n =
          NotifyAccounting.account(
              published, notify.setup().siteOf(), notify.receiver().arrivals());
      System.out.printf(
          "  [gateway] S3 notifications: %d devices on battery, covered p50 %s / p99 %s / max %s ms,"
              + " %d never covered; named p50 %s / p99 %s ms, %d never named; %d messages in %d posts"
              + " over %d sites, at most %d incident messages per site and minute; %d duplicates,"
              + " %d bad signatures%n",
          n.devices(),
          n.coveredMs().p50(),
          n.coveredMs().p99(),
          n.coveredMs().max(),
          n.neverCovered(),
          n.namedMs().p50(),
          n.namedMs().p99(),
          n.neverNamed(),
          n.messages(),
          n.posts(),
          n.sites(),
          n.maxIncidentMessagesPerSitePerMinute(),
          n.duplicates(),
          n.signatureFailures());
      w.put("notifications", new ObjectMapper().convertValue(n, Map.class));
    }
    return w;
  }

  /** The receiver and the API objects of S3 with notifications, for the whole run. */
  record NotifyRun(WebhookReceiver receiver, NotifySetup setup) implements AutoCloseable {
    static NotifyRun start(
        GatewayOptions gw, Path devicesFile, Integer devices, int sites, int port)
        throws IOException, InterruptedException {
      List<Member> members = Provisioner.read(devicesFile);
      if (devices != null) members = members.subList(0, Math.min(devices, members.size()));
      WebhookReceiver receiver = WebhookReceiver.start(port);
      try {
        int total = members.size();
        NotifySetup setup =
            NotifySetup.prepare(
                gw.signIn(),
                members,
                sites,
                receiver,
                n -> Progress.line("[gateway] S3: %d/%d devices placed in sites", n, total));
        Progress.done();
        System.out.printf(
            "  [gateway] S3 notifications: receiver %s, %d devices in sites (%d moved now)%n",
            receiver.url(0).replace("/hook/0", ""), setup.siteOf().size(), setup.patched());
        return new NotifyRun(receiver, setup);
      } catch (RuntimeException | InterruptedException e) {
        receiver.close();
        throw e;
      }
    }

    @Override
    public void close() {
      setup.close();
      receiver.close();
    }
  }

  /** Every device the gateway's directory shows on battery (or on low battery), page by page. */
  private static Set<String> onBattery(UpsfleetClient support) {
    Set<String> out = new HashSet<>();
    for (String status : List.of("ON_BATTERY", "LOW_BATTERY")) {
      for (int page = 0; ; page++) {
        var p =
            support.devices(
                Map.of("status", status, "size", "500", "page", Integer.toString(page)));
        p.items().forEach(d -> out.add(d.serial()));
        if ((long) (page + 1) * 500 >= p.total()) break;
      }
    }
    return out;
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static void validatePrefix(String prefix) {
    if (!prefix.matches("[A-Z0-9]{2}"))
      throw new IllegalArgumentException("--prefix must be 2 of A-Z0-9");
  }

  /** Parses {@code 30s}, {@code 2m}, {@code 1h}, {@code 500ms} or ISO-8601 durations. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      if (v.startsWith("P") || v.startsWith("p")) return Duration.parse(v);
      if (v.endsWith("ms"))
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default ->
            throw new CommandLine.TypeConversionException(
                "use 500ms, 30s, 2m, 1h or ISO-8601: " + v);
      };
    }
  }

  /**
   * A Mosquitto broker (Debian package) on a free loopback port, persistence off: the pure-broker
   * baseline.
   */
  static final class Mosquitto implements AutoCloseable {
    private final Process process;
    private final int port;

    private Mosquitto(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Mosquitto start() throws IOException, InterruptedException {
      Path binary = Path.of("/usr/sbin/mosquitto");
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException("mosquitto is not installed (apt-get install mosquitto)");
      }
      // A port below Linux's ephemeral range: a free ephemeral port can be taken by one of the
      // simulator's own
      // outgoing connections, and a connect to a port nobody listens on can even connect to itself.
      int port = freePortBelowEphemeralRange();
      Path conf = Files.createTempFile("mosquitto", ".conf");
      Path log = Files.createTempFile("mosquitto", ".log");
      Files.writeString(
          conf,
          "listener "
              + port
              + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
              + "max_queued_messages 1000\nlog_type error\n");
      Process p =
          new ProcessBuilder(binary.toString(), "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && p.isAlive()) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          if (p.isAlive()) return new Mosquitto(p, port);
        } catch (IOException notYet) {
          Thread.sleep(50);
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException(
          "mosquitto did not start on port " + port + ": " + Files.readString(log));
    }

    private static int freePortBelowEphemeralRange() throws IOException {
      Random random = new Random();
      for (int attempt = 0; attempt < 100; attempt++) {
        int port = 20_000 + random.nextInt(12_000);
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress("127.0.0.1", port));
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
      throw new IOException("no free port in 20000-32000");
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", port);
    }

    long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }
}
