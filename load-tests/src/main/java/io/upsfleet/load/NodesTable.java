package io.upsfleet.load;

import static io.upsfleet.load.MarkdownTable.fmt;

import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.RunResult;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code report --nodes}: the reports of one multi-node run, one per node, each from its own
 * simulator over the same measured window ({@code run --barrier}), as one table: a row per node and
 * the fleet's total. Connected devices, messages and CPU shares add up; a latency percentile of the
 * whole fleet is not the sum of anything, so the total row gives the highest of the nodes' (the
 * fleet's own p99 is at most that: no node has more than 1 % of its PUBACKs above it).
 */
final class NodesTable {
  static final String HEADER =
      "| node | devices | connected | connect s | msg/s | PUBACK p50 ms | p99 ms | p99.9 ms | node CPU % of a core"
          + " | node µs/msg | simulator CPU % | refused | disconnects |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

  private NodesTable() {}

  static String render(Map<Path, ReportDocument> docs) {
    StringBuilder out = new StringBuilder(HEADER);
    int node = 0;
    long devices = 0, connected = 0, refused = 0, disconnects = 0;
    double connectSeconds = 0, rate = 0, nodeShare = 0, simShare = 0, cpuMicros = 0;
    double p50 = 0, p99 = 0, p999 = 0;
    Double postgresShare = null;
    for (Map.Entry<Path, ReportDocument> d : docs.entrySet()) {
      if (d.getValue().runs().size() != 1) {
        throw new IllegalArgumentException(
            d.getKey() + " has " + d.getValue().runs().size() + " runs; one per node is expected");
      }
      RunResult r = d.getValue().runs().get(0);
      node++;
      out.append(
          row(
              "node " + node,
              r.devices(),
              r.connected(),
              r.connectSeconds(),
              r.messagesPerSecond(),
              r.pubAckMs().p50(),
              r.pubAckMs().p99(),
              r.pubAckMs().p999(),
              r.targetCpuShare(),
              r.targetCpuMicrosPerMessage(),
              r.simulatorCpuShare(),
              r.refusals(),
              r.disconnects()));
      devices += r.devices();
      connected += r.connected();
      refused += r.refusals();
      disconnects += r.disconnects();
      connectSeconds = Math.max(connectSeconds, r.connectSeconds());
      rate += r.messagesPerSecond();
      p50 = Math.max(p50, r.pubAckMs().p50());
      p99 = Math.max(p99, r.pubAckMs().p99());
      p999 = Math.max(p999, r.pubAckMs().p999());
      nodeShare += r.targetCpuShare() == null ? 0 : r.targetCpuShare();
      simShare += r.simulatorCpuShare() == null ? 0 : r.simulatorCpuShare();
      cpuMicros +=
          r.targetCpuMicrosPerMessage() == null
              ? 0
              : r.targetCpuMicrosPerMessage() * r.messagesPerSecond();
      if (postgresShare == null) postgresShare = r.postgresCpuShare();
    }
    out.append(
        row(
            "**all " + node + "** (latency: the highest node's)",
            devices,
            connected,
            connectSeconds,
            rate,
            p50,
            p99,
            p999,
            nodeShare,
            rate > 0 ? cpuMicros / rate : null,
            simShare,
            refused,
            disconnects));
    if (postgresShare != null) {
      out.append("\nPostgreSQL (shared by all nodes): ")
          .append(fmt(postgresShare * 100))
          .append(" % of a core over the window.\n");
    }
    return out.toString();
  }

  private static String row(
      String name,
      long devices,
      long connected,
      double connectSeconds,
      double rate,
      double p50,
      double p99,
      double p999,
      Double nodeShare,
      Double micros,
      Double simShare,
      long refused,
      long disconnects) {
    return String.join(
            " | ",
            "| " + name,
            fmt(devices),
            fmt(connected),
            fmt(connectSeconds),
            fmt(rate),
            fmt(p50),
            fmt(p99),
            fmt(p999),
            nodeShare == null ? "—" : fmt(nodeShare * 100),
            micros == null ? "—" : fmt(micros),
            simShare == null ? "—" : fmt(simShare * 100),
            fmt(refused),
            fmt(disconnects))
        + " |\n";
  }
}
