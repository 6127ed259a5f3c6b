package io.upsfleet.load;

import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.fleet.Provisioner;
import io.upsfleet.load.nut.NutBench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upsfleet-load nut}: the NUT facade's {@code LIST VAR} throughput and latency. */
@Command(
    name = "nut",
    mixinStandardHelpOptions = true,
    description =
        "N NUT clients poll LIST VAR over the serials of a fleet through the gateway's NUT facade"
            + " (closed loop); prints requests/s and latency percentiles.")
final class NutCommand implements Callable<Integer> {
  @Option(
      names = "--nut",
      defaultValue = "127.0.0.1:3493",
      description = "the NUT facade host:port (default ${DEFAULT-VALUE})")
  String nut;

  @Option(
      names = "--devices-file",
      required = true,
      description = "CSV from 'provision' or 'fleet --state'")
  Path devicesFile;

  @Option(
      names = "--clients",
      defaultValue = "50",
      description = "clients (default ${DEFAULT-VALUE})")
  int clients;

  @Option(
      names = "--nut-user",
      defaultValue = "",
      description = "upsfleet user to sign in as (default: none, anonymous-read-from)")
  String user;

  @Option(
      names = "--nut-password",
      defaultValue = "${env:UPSFLEET_NUT_PASSWORD}",
      description = "its password (or env UPSFLEET_NUT_PASSWORD)")
  String password;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "warm-up, not measured (default ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "measured time (default ${DEFAULT-VALUE})")
  Duration duration;

  @Override
  public Integer call() throws Exception {
    List<String> serials = Provisioner.read(devicesFile).stream().map(Member::serial).toList();
    if (serials.isEmpty()) throw new IllegalArgumentException(devicesFile + " has no devices");
    System.out.printf(
        "  %d clients, LIST VAR over %d UPSs on %s: %s warm-up, %s measured%n",
        clients, serials.size(), nut, warmup, duration);
    NutBench.Result r =
        NutBench.run(
            GatewayOptions.parseHostPort(nut, "--nut"),
            user,
            password,
            serials,
            clients,
            warmup,
            duration);
    Histogram h = r.latencyMicros();
    System.out.printf(
        "  %d requests in %.1f s: %.0f requests/s (%d lists, %d DATA-STALE, %d errors)%n"
            + "  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
        r.requests(),
        r.seconds(),
        r.perSecond(),
        r.lists(),
        r.stale(),
        r.errors(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
    return 0;
  }
}
