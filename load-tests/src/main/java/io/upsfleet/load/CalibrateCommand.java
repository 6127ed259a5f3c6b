package io.upsfleet.load;

import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.result.Calibration;
import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.Reports;
import io.upsfleet.load.result.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calibrate}: S0, the ceilings of this machine that every run is read against: loopback
 * sockets, PostgreSQL's insert ceiling (single rows vs batches), a JSON parse of one telemetry
 * payload, and what the simulator and Mosquitto cost per message (a {@code run} round against
 * Mosquitto).
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description =
        "S0 calibration: loopback TCP round trip and one-way messages/s, PostgreSQL rows/s for single-row "
            + "autocommit inserts vs batches into a TEMP table (with --jdbc-url), ns per Jackson parse of one "
            + "telemetry payload, and the simulator's and Mosquitto's CPU per message for N devices × 1 msg/s "
            + "QoS 1 against Mosquitto. Writes a JSON report; 'report --markdown' prints its table.")
final class CalibrateCommand implements Callable<Integer> {
  @Option(
      names = "--payload-bytes",
      defaultValue = "64",
      description = "loopback message size, 1..65536 (default ${DEFAULT-VALUE})")
  int payloadBytes;

  @Option(
      names = "--round-trips",
      defaultValue = "20000",
      description = "loopback round trips measured, 1000..1000000 (default ${DEFAULT-VALUE})")
  int roundTrips;

  @Option(
      names = "--one-way-time",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description = "loopback one-way window, 1s..60s (default ${DEFAULT-VALUE})")
  Duration oneWayTime;

  @Option(
      names = "--jdbc-url",
      description =
          "PostgreSQL to measure inserts against, e.g. jdbc:postgresql://127.0.0.1:PORT/upsfleet "
              + "(a demo's port is line 4 of DATA/postgres/postmaster.pid); none: not measured")
  String jdbcUrl;

  @Option(
      names = "--jdbc-user",
      defaultValue = "upsfleet",
      description = "(default ${DEFAULT-VALUE})")
  String jdbcUser;

  @Option(
      names = "--jdbc-password",
      defaultValue = "${env:UPSFLEET_CALIBRATE_JDBC_PASSWORD:-upsfleet}",
      description = "(or env UPSFLEET_CALIBRATE_JDBC_PASSWORD; default the demo's)")
  String jdbcPassword;

  @Option(
      names = "--single-rows",
      defaultValue = "2000",
      description = "rows inserted one by one, 100..100000 (default ${DEFAULT-VALUE})")
  int singleRows;

  @Option(
      names = "--batch-size",
      defaultValue = "400",
      description = "rows per batch, 1..10000 (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--batched-rows",
      defaultValue = "40000",
      description = "rows inserted in batches, 100..1000000 (default ${DEFAULT-VALUE})")
  int batchedRows;

  @Option(
      names = "--json-warmup",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description = "JSON parses before measuring, 0..60s (default ${DEFAULT-VALUE})")
  Duration jsonWarmup;

  @Option(
      names = "--json-time",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description = "JSON parses measured, 1s..60s (default ${DEFAULT-VALUE})")
  Duration jsonTime;

  @Option(
      names = "--devices",
      defaultValue = "2000",
      description =
          "the simulator and Mosquitto: devices × 1 msg/s, QoS 1, 0..20000 (0: not measured) "
              + "(default ${DEFAULT-VALUE})")
  int devices;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "... warm-up, up to 10m (default ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(
      names = "--duration",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "... measured window, 1s..30m (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "simulator event loops (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--report", description = "write the JSON report here")
  Path report;

  @Override
  public Integer call() throws Exception {
    check(payloadBytes >= 1 && payloadBytes <= 65_536, "--payload-bytes must be 1..65536");
    check(roundTrips >= 1000 && roundTrips <= 1_000_000, "--round-trips must be 1000..1000000");
    check(within(oneWayTime, 1, 60), "--one-way-time must be 1s..60s");
    check(singleRows >= 100 && singleRows <= 100_000, "--single-rows must be 100..100000");
    check(batchSize >= 1 && batchSize <= 10_000, "--batch-size must be 1..10000");
    check(batchedRows >= 100 && batchedRows <= 1_000_000, "--batched-rows must be 100..1000000");
    check(
        jdbcUrl == null || jdbcUrl.startsWith("jdbc:postgresql:"),
        "--jdbc-url must start with jdbc:postgresql:");
    check(within(jsonWarmup, 0, 60), "--json-warmup must be 0..60s");
    check(within(jsonTime, 1, 60), "--json-time must be 1s..60s");
    check(devices >= 0 && devices <= 20_000, "--devices must be 0..20000");
    check(warmup.compareTo(Duration.ofMinutes(10)) <= 0, "--warmup must be at most 10m");
    check(duration.compareTo(Duration.ofMinutes(30)) <= 0, "--duration must be at most 30m");
    RunCommand run = RunCommand.withDefaults();
    run.target = "mosquitto";
    run.interval = Duration.ofSeconds(1);
    run.qos = 1;
    run.warmup = warmup;
    run.duration = duration;
    run.threads = threads;
    run.quietMains = true;
    run.validate();

    System.out.println("loopback ...");
    Calibration.Loopback loopback = Ceilings.loopback(payloadBytes, roundTrips, oneWayTime);
    System.out.printf(
        "  %d-byte round trip p50 %s µs, p99 %s µs; one way %s msg/s%n",
        payloadBytes,
        loopback.roundTripP50Micros(),
        loopback.roundTripP99Micros(),
        MarkdownTable.fmt(loopback.oneWayMessagesPerSecond()));
    Calibration.PostgresInserts postgres = null;
    if (jdbcUrl != null) {
      System.out.println("PostgreSQL inserts ...");
      postgres =
          Ceilings.postgres(jdbcUrl, jdbcUser, jdbcPassword, singleRows, batchSize, batchedRows);
      System.out.printf(
          "  single rows (autocommit) %s rows/s; batches of %d %s rows/s%n",
          MarkdownTable.fmt(postgres.singleRowsPerSecond()),
          batchSize,
          MarkdownTable.fmt(postgres.batchedRowsPerSecond()));
    }
    System.out.println("JSON parse ...");
    Calibration.JsonParse json = Ceilings.json(jsonWarmup, jsonTime);
    System.out.printf(
        "  %s ns per parse of a %d-byte telemetry payload%n",
        json.nanosPerParse(), json.payloadBytes());
    List<RunResult> runs = new ArrayList<>();
    List<ReportDocument.FailedRun> failed = new ArrayList<>();
    if (devices > 0) {
      try {
        RunResult r = run.measure("mosquitto", Member.unprovisioned(devices), 0);
        runs.add(r);
        System.out.printf(
            "  %d devices × 1 msg/s QoS 1 against Mosquitto: %s msg/s, PUBACK p99 %s ms; CPU per "
                + "message: simulator %s µs, Mosquitto %s µs%n",
            devices,
            r.messagesPerSecond(),
            r.pubAckMs().p99(),
            r.simulatorCpuMicrosPerMessage(),
            r.targetCpuMicrosPerMessage());
      } catch (IllegalStateException e) {
        System.out.println("  Mosquitto round FAILED: " + e.getMessage());
        failed.add(new ReportDocument.FailedRun("mosquitto", 1, String.valueOf(e.getMessage())));
      }
    }
    if (report != null) {
      Reports.write(
          new ReportDocument(
              Summary.environment(0),
              devices > 0 ? run.settings(devices) : null,
              runs.isEmpty() ? null : Summary.aggregate(runs),
              runs,
              failed.isEmpty() ? null : failed,
              new Calibration(loopback, postgres, json),
              null),
          report);
      System.out.println("  report: " + report.toAbsolutePath());
    }
    return 0;
  }

  private static boolean within(Duration d, long minSeconds, long maxSeconds) {
    return d.compareTo(Duration.ofSeconds(minSeconds)) >= 0
        && d.compareTo(Duration.ofSeconds(maxSeconds)) <= 0;
  }

  private static void check(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
