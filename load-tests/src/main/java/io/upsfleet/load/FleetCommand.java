package io.upsfleet.load;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.load.device.SimulatedUps;
import io.upsfleet.load.fleet.Fleet;
import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.fleet.Provisioner;
import io.upsfleet.load.mqtt.DeviceConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet}: keeps a living simulated fleet connected, with occasional outages (the demo's).
 */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description =
        "Keep a living simulated fleet connected (registering it first, unless --state holds one), with "
            + "occasional outages, until stopped.")
final class FleetCommand implements Callable<Integer> {
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
      List<Member> first = members.subList(0, Math.max(1, members.size() / Math.max(1, accounts)));
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
          int hit = fleet.outage(0.02, Duration.ofSeconds(30 + (long) (Math.random() * 90))).size();
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
