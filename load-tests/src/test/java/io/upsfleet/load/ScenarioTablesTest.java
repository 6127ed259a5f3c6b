package io.upsfleet.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.Reports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --markdown} of a ladder (S2) and a calibration (S0) report, from samples written by
 * the harness on a loaded machine (their figures are examples, not results): a row per step with
 * its run's figures and each target's knee; the machine's ceilings one a row.
 */
class ScenarioTablesTest {
  private static final Path LADDER = Path.of("src/test/resources/reports/sample-ladder.json");
  private static final Path CALIBRATION =
      Path.of("src/test/resources/reports/sample-calibration.json");
  private static final Path S2 = Path.of("results/2026-11-28-S2-steady-10k.json");

  @Test
  void theLadderTableHasARowPerStepAndTheKneeOfEachTarget() throws IOException {
    String table = LadderTable.render(LADDER, Reports.read(LADDER));
    assertThat(table)
        .startsWith("S2 ladder: 500 devices, QoS 1, within the target while PUBACK p99 ≤ 20 ms")
        .contains("each step 4 s warm-up, 8 s measured")
        .contains("[sample-ladder.json](src/test/resources/reports/sample-ladder.json)")
        .contains(LadderTable.HEADER)
        .contains(
            "| gateway | 1 | 500 | 515 / 515 | 1.06 / **18.4** / 32.9 | 1 093 (+ 99.6) | 787 | yes |")
        .contains("| mosquitto | 1 | 500 | 500 / 500 | 0.46 / **10.3** / 20.6 | 52.5 | 362 | yes |")
        .contains(
            "| gateway | 3 | 2 000 | 2 001 / 2 002 | 0.60 / **26.5** / 59.8 | 162 (+ 303) | 169 | **no**: "
                + "PUBACK p99 26.51 ms > 20 ms;")
        .contains("- knee of gateway: **1 000 msg/s**; the ladder stopped at step 3 (2000 msg/s)")
        .contains("- knee of mosquitto: **500 msg/s**; the ladder stopped at step 2 (1000 msg/s)");
    assertThat(table.lines().filter(l -> l.startsWith("| gateway |")).count()).isEqualTo(3);
    assertThat(table.lines().filter(l -> l.startsWith("| mosquitto |")).count()).isEqualTo(2);
  }

  @Test
  void theCalibrationTableHasTheCeilingsOfTheMachine() throws IOException {
    String table = CalibrationTable.render(CALIBRATION, Reports.read(CALIBRATION));
    assertThat(table)
        .startsWith(CalibrationTable.HEADER)
        .contains("| loopback TCP round trip, 64 B, p50 / p99 (µs) | 17.5 / 304 |")
        .contains("| loopback one way, 64 B a write (msg/s) | 210 956 |")
        .contains("| PostgreSQL inserts, single rows in autocommit (rows/s) | 4 058 |")
        .contains("| PostgreSQL inserts, batches of 400 (rows/s) | 42 503 |")
        .contains("| Jackson parse of one 496-byte telemetry payload (ns) | 8 681 |")
        .contains("| simulator CPU per message, 300 devices × 1 msg/s, QoS 1 (µs) | 813 |")
        .contains("| Mosquitto CPU per message, 300 devices × 1 msg/s, QoS 1 (µs) | 76.0 |");
    assertThat(table.lines()).allSatisfy(l -> assertThat(l).endsWith("|"));
  }

  @Test
  void reportMarkdownPrintsTheRunRowsFirstThenEachScenarioTable() throws IOException {
    Map<Path, ReportDocument> docs = new LinkedHashMap<>();
    docs.put(LADDER, Reports.read(LADDER));
    docs.put(S2, Reports.read(S2));
    docs.put(CALIBRATION, Reports.read(CALIBRATION));
    String out = MarkdownTable.render(docs);
    assertThat(out).startsWith(MarkdownTable.HEADER);
    assertThat(out.indexOf("S2-steady-10k.json")).isLessThan(out.indexOf("S2 ladder:"));
    assertThat(out.indexOf("S2 ladder:")).isLessThan(out.indexOf(CalibrationTable.HEADER));
    // the ladder's steps are not read as rounds of one scenario
    assertThat(out).doesNotContain("sample-ladder.json) | 1243682");
  }

  @Test
  void theScenarioSectionsAreReadAndWrittenBack(@TempDir Path dir) throws IOException {
    for (Path p : new Path[] {LADDER, CALIBRATION}) {
      ReportDocument doc = Reports.read(p);
      Path copy = dir.resolve(p.getFileName());
      Reports.write(doc, copy);
      assertThat(Reports.read(copy)).isEqualTo(doc);
    }
    assertThat(Reports.read(LADDER).ladder().knees()).hasSize(2);
    assertThat(Reports.read(CALIBRATION).calibration().postgres().batchSize()).isEqualTo(400);
  }
}
