package io.upsfleet.load;

import static io.upsfleet.load.MarkdownTable.fmt;

import io.upsfleet.load.result.Calibration;
import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.RunResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code report --markdown} of a calibration (S0) report: the machine's ceilings, one a row. */
final class CalibrationTable {
  static final String HEADER = "| S0 calibration | figure | report | commit |\n|---|---|---|---|\n";

  private CalibrationTable() {}

  /** The table of one calibration report. */
  static String render(Path file, ReportDocument doc) {
    StringBuilder out = new StringBuilder(HEADER);
    String tail = " | " + MarkdownTable.link(file) + " | " + MarkdownTable.commit(doc) + " |\n";
    for (String[] row : rows(doc))
      out.append("| ").append(row[0]).append(" | ").append(row[1]).append(tail);
    return out.toString();
  }

  /** {what, figure} pairs. */
  static List<String[]> rows(ReportDocument doc) {
    List<String[]> rows = new ArrayList<>();
    Calibration c = doc.calibration();
    Calibration.Loopback l = c.loopback();
    if (l != null) {
      rows.add(
          new String[] {
            "loopback TCP round trip, " + l.payloadBytes() + " B, p50 / p99 (µs)",
            fmt(l.roundTripP50Micros()) + " / " + fmt(l.roundTripP99Micros())
          });
      rows.add(
          new String[] {
            "loopback one way, " + l.payloadBytes() + " B a write (msg/s)",
            fmt(l.oneWayMessagesPerSecond())
          });
    }
    Calibration.PostgresInserts p = c.postgres();
    if (p != null) {
      rows.add(
          new String[] {
            "PostgreSQL inserts, single rows in autocommit (rows/s)", fmt(p.singleRowsPerSecond())
          });
      rows.add(
          new String[] {
            "PostgreSQL inserts, batches of " + p.batchSize() + " (rows/s)",
            fmt(p.batchedRowsPerSecond())
          });
    }
    Calibration.JsonParse j = c.json();
    if (j != null)
      rows.add(
          new String[] {
            "Jackson parse of one " + j.payloadBytes() + "-byte telemetry payload (ns)",
            fmt(j.nanosPerParse())
          });
    for (RunResult r : doc.runs()) {
      String fleet =
          String.format("%,d", r.devices()).replace(',', ' ') + " devices × 1 msg/s, QoS 1";
      if (r.simulatorCpuMicrosPerMessage() != null)
        rows.add(
            new String[] {
              "simulator CPU per message, " + fleet + " (µs)", fmt(r.simulatorCpuMicrosPerMessage())
            });
      if (r.targetCpuMicrosPerMessage() != null)
        rows.add(
            new String[] {
              "Mosquitto CPU per message, " + fleet + " (µs)", fmt(r.targetCpuMicrosPerMessage())
            });
      if (r.pubAckMs() != null)
        rows.add(
            new String[] {
              "Mosquitto " + fleet + ": achieved (msg/s), PUBACK p99 (ms)",
              fmt(r.messagesPerSecond()) + ", " + fmt(r.pubAckMs().p99())
            });
    }
    return rows;
  }
}
