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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fleet simulator and load harness. {@code provision} registers devices through the API; {@code fleet}
 * keeps a living fleet connected (the demo's); {@code run} measures a scenario against the gateway or
 * against Mosquitto, or both alternately with the ratio ({@code --target both}).
 */
@Command(name = "upsfleet-load", mixinStandardHelpOptions = true,
    subcommands = {Main.Provision.class, Main.FleetCommand.class, Main.Run.class},
    description = "Simulated UPS fleets for upsfleet: provision, run a living fleet, measure scenarios.")
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
    @Option(names = "--gateway", description = "gateway HTTP base URL (default ${DEFAULT-VALUE})",
        defaultValue = "http://127.0.0.1:8080")
    URI gateway;

    @Option(names = "--mqtt", description = "MQTT host:port of the target (default ${DEFAULT-VALUE})",
        defaultValue = "127.0.0.1:1883")
    String mqtt;

    @Option(names = "--user", description = "support user (default ${DEFAULT-VALUE})", defaultValue = "support")
    String user;

    @Option(names = "--password", description = "its password (or env UPSFLEET_LOAD_PASSWORD)",
        defaultValue = "${env:UPSFLEET_LOAD_PASSWORD}")
    String password;

    InetSocketAddress mqttAddress() {
      int colon = mqtt.lastIndexOf(':');
      if (colon < 0) throw new CommandLine.ParameterException(new CommandLine(this), "--mqtt must be host:port");
      return new InetSocketAddress(mqtt.substring(0, colon), Integer.parseInt(mqtt.substring(colon + 1)));
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

  @Command(name = "provision", mixinStandardHelpOptions = true,
      description = "Register devices through the API (bulk) and write their serials and secrets to a CSV file.")
  static final class Provision implements Callable<Integer> {
    @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

    @Option(names = "--devices", required = true, description = "how many devices")
    int devices;

    @Option(names = "--accounts", defaultValue = "5", description = "spread over this many new accounts (default ${DEFAULT-VALUE})")
    int accounts;

    @Option(names = "--prefix", defaultValue = "LT", description = "serial prefix, 2 letters/digits (default ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--out", defaultValue = "devices.csv", description = "CSV file to write (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws IOException {
      validatePrefix(prefix);
      long started = System.nanoTime();
      List<Member> members = Provisioner.provision(gw.signIn(), prefix, devices, accounts, System.nanoTime(),
          n -> System.out.printf("\r  registered %d/%d", n, devices));
      Provisioner.write(out, members);
      System.out.printf("%n  %d devices in %.1f s, written to %s%n", members.size(),
          (System.nanoTime() - started) / 1e9, out.toAbsolutePath());
      return 0;
    }
  }

  @Command(name = "fleet", mixinStandardHelpOptions = true,
      description = "Keep a living simulated fleet connected (registering it first, unless --state holds one), with "
          + "occasional outages, until stopped.")
  static final class FleetCommand implements Callable<Integer> {
    @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

    @Option(names = "--devices", defaultValue = "300", description = "devices (default ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--accounts", defaultValue = "4", description = "accounts (default ${DEFAULT-VALUE})")
    int accounts;

    @Option(names = "--state", defaultValue = "fleet.csv", description = "CSV of the fleet, reused across runs")
    Path state;

    @Option(names = "--interval", defaultValue = "15s", converter = DurationConverter.class,
        description = "telemetry interval per device (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--outage-every", defaultValue = "90s", converter = DurationConverter.class,
        description = "how often a few devices lose mains (default ${DEFAULT-VALUE}; 0 for never)")
    Duration outageEvery;

    @Override
    public Integer call() throws Exception {
      List<Member> members;
      if (Files.exists(state)) {
        members = Provisioner.read(state);
      } else {
        UpsfleetClient support = gw.signIn();
        List<String> accountIds = new ArrayList<>();
        members = Provisioner.provision(support, "DM", devices, accounts, 42, n -> { }, accountIds);
        // Every tenth device of the first account gets Advanced, so outlet-group reboots can be tried at once.
        List<Member> first = members.subList(0, Math.max(1, members.size() / Math.max(1, accounts)));
        int advanced = Provisioner.makeAdvanced(support, first, accountIds.get(0), 10);
        System.out.printf("  registered %d devices; %d of them on Advanced%n", members.size(), advanced);
        Provisioner.write(state, members);
      }
      DeviceConnection.Options options = new DeviceConnection.Options(interval, true, Duration.ofSeconds(2), 60, true, true);
      try (Fleet fleet = Fleet.start(members, gw.mqttAddress(), options, 2, 200, SimulatedUps.Faults.NONE, 42)) {
        System.out.printf("  simulated fleet: %d devices on %s%n", members.size(), gw.mqtt);
        long lastOutage = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(5_000);
          if (!outageEvery.isZero() && System.nanoTime() - lastOutage > outageEvery.toNanos()) {
            int hit = fleet.outage(0.02, Duration.ofSeconds(30 + (long) (Math.random() * 90))).size();
            System.out.printf("  %s: %d devices lost mains; %d online%n", Instant.now(), hit, fleet.stats().online());
            lastOutage = System.nanoTime();
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Measure a scenario: connect the fleet at a fixed rate, warm up, then measure steady telemetry "
          + "(and optionally an outage wave) for a bounded time. --target both alternates gateway and Mosquitto.")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

    @Option(names = "--devices-file", required = true, description = "CSV from 'provision'")
    Path devicesFile;

    @Option(names = "--devices", description = "use only the first N devices of the file")
    Integer devices;

    @Option(names = "--target", defaultValue = "gateway", description = "gateway, mosquitto or both (default ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--rounds", defaultValue = "1", description = "with --target both: A/B rounds (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--gateway-pid", defaultValue = "0", description = "gateway process id, to count its CPU")
    long gatewayPid;

    @Option(names = "--interval", defaultValue = "30s", converter = DurationConverter.class,
        description = "telemetry interval per device (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--qos", defaultValue = "1", description = "telemetry QoS, 0 or 1 (default ${DEFAULT-VALUE})")
    int qos;

    @Option(names = "--connect-rate", defaultValue = "2000", description = "CONNECTs per second (default ${DEFAULT-VALUE})")
    double connectRate;

    @Option(names = "--warmup", defaultValue = "30s", converter = DurationConverter.class, description = "(default ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "120s", converter = DurationConverter.class,
        description = "measured time (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--threads", defaultValue = "2", description = "simulator event loops (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--report", description = "write the JSON report here")
    Path report;

    @Option(names = "--command-rate", defaultValue = "0",
        description = "S4: command round trips per second through the API during the steady window (0 = none)")
    double commandRate;

    @Option(names = "--outage-share", defaultValue = "0",
        description = "S3: after the steady window, this share of the fleet loses mains at once (0 = no wave)")
    double outageShare;

    @Option(names = "--outage-duration", defaultValue = "60s", converter = DurationConverter.class,
        description = "how long the wave lasts (default ${DEFAULT-VALUE})")
    Duration outageDuration;

    @Override
    public Integer call() throws Exception {
      List<Member> members = Provisioner.read(devicesFile);
      if (devices != null) members = members.subList(0, Math.min(devices, members.size()));
      List<Map<String, Object>> results = new ArrayList<>();
      List<String> order = switch (target) {
        case "gateway" -> List.of("gateway");
        case "mosquitto" -> List.of("mosquitto");
        case "both" -> List.of("gateway", "mosquitto");
        default -> throw new IllegalArgumentException("--target must be gateway, mosquitto or both");
      };
      for (int round = 0; round < (target.equals("both") ? rounds : 1); round++) {
        for (String t : order) results.add(measure(t, members, round));
      }
      Summary.print(results, System.out);
      if (report != null) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("environment", Summary.environment());
        doc.put("settings", Map.of("devices", members.size(), "interval", interval.toString(), "qos", qos,
            "connectRate", connectRate, "warmup", warmup.toString(), "duration", duration.toString(),
            "outageShare", outageShare));
        doc.put("runs", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), doc);
        System.out.println("  report: " + report.toAbsolutePath());
      }
      return 0;
    }

    private Map<String, Object> measure(String target, List<Member> members, int round) throws Exception {
      Mosquitto mosquitto = target.equals("mosquitto") ? Mosquitto.start() : null;
      try {
        InetSocketAddress server = mosquitto != null ? mosquitto.address() : gw.mqttAddress();
        long targetPid = mosquitto != null ? mosquitto.pid() : gatewayPid;
        DeviceConnection.Options options = new DeviceConnection.Options(interval, qos == 1, interval, 120,
            mosquitto == null, mosquitto == null);
        System.out.printf("  [%s round %d] connecting %d devices at %.0f/s%n", target, round + 1, members.size(), connectRate);
        long t0 = System.nanoTime();
        try (Fleet fleet = Fleet.start(members, server, options, threads, connectRate, SimulatedUps.Faults.NONE, round)) {
          Stats stats = fleet.stats();
          long deadline = t0 + TimeUnit.SECONDS.toNanos(Math.max(60, (long) (members.size() / connectRate * 3)));
          while (stats.online() < members.size() && System.nanoTime() < deadline) Thread.sleep(100);
          double connectSeconds = (System.nanoTime() - t0) / 1e9;
          Histogram connAck = stats.takeConnAck();
          System.out.printf("  [%s] %d/%d connected in %.1f s; warming up %s%n", target, stats.online(),
              members.size(), connectSeconds, warmup);
          Thread.sleep(warmup.toMillis());
          stats.takePubAck("telemetry");
          long sentBefore = stats.published("telemetry");
          long ackedBefore = stats.acknowledged("telemetry");
          CommandProbe probe = commandRate > 0 && mosquitto == null
              ? new CommandProbe(gw.gateway, gw.signIn().token(), members, commandRate) : null;
          long cpuSelf = CpuClock.self();
          long cpuTarget = CpuClock.of(targetPid);
          long m0 = System.nanoTime();
          Thread.sleep(duration.toMillis());
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
          long cpuTargetUsed = targetPid > 0 ? CpuClock.of(targetPid) - cpuTarget : -1;
          Histogram pubAck = stats.takePubAck("telemetry");
          Map<String, Object> wave = outageShare > 0 && mosquitto == null
              ? outageWave(gw, outageShare, outageDuration, fleet, stats) : null;
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("target", target);
          r.put("round", round + 1);
          r.put("devices", members.size());
          r.put("connected", stats.online());
          r.put("connectSeconds", round1(connectSeconds));
          r.put("connAckMs", Summary.percentiles(connAck));
          r.put("messages", sent);
          r.put("messagesPerSecond", round1(sent / seconds));
          r.put("acknowledged", acked);
          r.put("pubAckMs", Summary.percentiles(pubAck));
          r.put("simulatorCpuMicrosPerMessage", sent == 0 ? null : round1(cpuSelfUsed / 1e3 / sent));
          r.put("targetCpuMicrosPerMessage", cpuTargetUsed < 0 || sent == 0 ? null : round1(cpuTargetUsed / 1e3 / sent));
          r.put("simulatorCpuShare", round1(cpuSelfUsed / 1e9 / seconds));
          r.put("disconnects", stats.disconnects());
          r.put("refusals", stats.refusals());
          r.put("behindSchedule", stats.behindSchedule());
          if (wave != null) r.put("outageWave", wave);
          if (commands != null) r.put("commandRoundTripMs", commands);
          return r;
        }
      } finally {
        if (mosquitto != null) mosquitto.close();
      }
    }
  }

  /**
   * S3: a share of the fleet loses mains at once; measures how long until the gateway's read model shows
   * every one of them on battery (each status change committed and projected), and the PUBACK latency of
   * everyone meanwhile.
   */
  static Map<String, Object> outageWave(GatewayOptions gw, double outageShare, Duration outageDuration, Fleet fleet,
      Stats stats) throws InterruptedException {
    UpsfleetClient support = gw.signIn();
    stats.takePubAck("telemetry");
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
    return w;
  }

  /** Every device the gateway's directory shows on battery (or on low battery), page by page. */
  private static Set<String> onBattery(UpsfleetClient support) {
    Set<String> out = new HashSet<>();
    for (String status : List.of("ON_BATTERY", "LOW_BATTERY")) {
      for (int page = 0; ; page++) {
        var p = support.devices(Map.of("status", status, "size", "500", "page", Integer.toString(page)));
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
    if (!prefix.matches("[A-Z0-9]{2}")) throw new IllegalArgumentException("--prefix must be 2 of A-Z0-9");
  }

  /** Parses {@code 30s}, {@code 2m}, {@code 1h}, {@code 500ms} or ISO-8601 durations. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      if (v.startsWith("P") || v.startsWith("p")) return Duration.parse(v);
      if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new CommandLine.TypeConversionException("use 500ms, 30s, 2m, 1h or ISO-8601: " + v);
      };
    }
  }

  /** A Mosquitto broker (Debian package) on a free loopback port, persistence off: the pure-broker baseline. */
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
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path conf = Files.createTempFile("mosquitto", ".conf");
      Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
          + "max_queued_messages 1000\nlog_type error\n");
      Process p = new ProcessBuilder(binary.toString(), "-c", conf.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          return new Mosquitto(p, port);
        } catch (IOException notYet) {
          Thread.sleep(50);
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException("mosquitto did not start on port " + port);
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
