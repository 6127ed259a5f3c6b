package io.upsfleet.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.Reports;
import io.upsfleet.load.result.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code report --nodes} adds up the simultaneous slices of one multi-node run and bounds the
 * fleet's latency by the highest node's; {@code report --slices} cuts a soak's window into equal
 * slices that together hold every second of it.
 */
class NodesAndSlicesTablesTest {
  private static final Path A = Path.of("results/2026-12-06-S3-notify-19500-round-1.json");
  private static final Path B = Path.of("results/2026-12-06-S3-notify-19500-round-2.json");
  private static final Path SOAK = Path.of("results/2026-11-28-S6-soak-11min.json");

  @Test
  void theTotalRowAddsUpTheNodesAndTakesTheHighestLatency() throws IOException {
    Map<Path, ReportDocument> docs = new LinkedHashMap<>();
    docs.put(A, Reports.read(A));
    docs.put(B, Reports.read(B));
    RunResult a = docs.get(A).runs().get(0);
    RunResult b = docs.get(B).runs().get(0);

    List<String> lines = NodesTable.render(docs).lines().toList();

    assertThat(lines.get(2)).startsWith("| node 1 | ");
    assertThat(lines.get(3)).startsWith("| node 2 | ");
    String total = lines.get(4);
    assertThat(total)
        .startsWith("| **all 2**")
        .contains(" | " + MarkdownTable.fmt(a.connected() + b.connected()) + " | ")
        .contains(" | " + MarkdownTable.fmt(a.messagesPerSecond() + b.messagesPerSecond()) + " | ")
        .contains(
            " | " + MarkdownTable.fmt(Math.max(a.pubAckMs().p99(), b.pubAckMs().p99())) + " | ");
  }

  @Test
  void aReportOfSeveralRoundsIsNotANode() throws IOException {
    Path rounds = Path.of("results/2026-11-28-S2-steady-10k.json");
    assertThatThrownBy(() -> NodesTable.render(Map.of(rounds, Reports.read(rounds))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one per node");
  }

  @Test
  void theSlicesCoverTheWholeWindowInOrder() throws IOException {
    RunResult soak = Reports.read(SOAK).runs().get(0);
    List<RunResult.Second> timeline = soak.timeline();
    long sent = timeline.stream().mapToLong(RunResult.Second::sent).sum();

    List<String> rows =
        SlicesTable.render(soak, Duration.ofMinutes(2))
            .lines()
            .filter(l -> l.startsWith("| ") && !l.startsWith("| minutes"))
            .toList();

    assertThat(rows).hasSize((timeline.size() + 119) / 120);
    assertThat(rows.get(0)).startsWith("| 0–2 | ");
    long slicesSent =
        rows.stream().mapToLong(r -> Long.parseLong(r.split(" \\| ")[1].replace(" ", ""))).sum();
    assertThat(slicesSent).isEqualTo(sent);
  }
}
