package io.upsfleet.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.Reports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code report --markdown} makes BENCHMARKS.md's rows from the committed JSON reports: the figures
 * as the hand-typed table had them, and on every row the report file and the commit (a dash when an
 * older report did not record one).
 */
class MarkdownTableTest {
  private static final Path S2 = Path.of("results/2026-11-28-S2-steady-10k.json");
  private static final Path NO_COMMIT = Path.of("results/2026-12-06-S2-ab-main.json");

  @Test
  void theS2RowsHoldTheHandTypedFiguresTheirReportAndCommit() throws IOException {
    List<String> rows = MarkdownTable.rows(S2, Reports.read(S2));

    assertThat(rows)
        .allSatisfy(
            r ->
                assertThat(r)
                    .contains(
                        "[2026-11-28-S2-steady-10k.json](results/2026-11-28-S2-steady-10k.json)")
                    .endsWith("| 7640dd2 |"));
    assertThat(rows)
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains(
                        "| throughput (msg/s) | 10 003 [10 001 – 10 004] | 9 832 [9 830 – 9 933] |"));
    assertThat(rows).anySatisfy(r -> assertThat(r).contains("**7.97 [6.34 – 8.68]**"));
    assertThat(rows).anySatisfy(r -> assertThat(r).contains("| 4.58× |"));
    assertThat(rows).anySatisfy(r -> assertThat(r).contains("67.8 [66.6 – 70.0]"));
  }

  @Test
  void aReportWithoutACommitSaysSo() throws IOException {
    assertThat(MarkdownTable.rows(NO_COMMIT, Reports.read(NO_COMMIT)))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r).endsWith("| — |"));
  }

  @Test
  void theTableHasOneHeaderAndTheRowsOfEveryReportInOrder() throws IOException {
    Map<Path, ReportDocument> docs = new LinkedHashMap<>();
    docs.put(S2, Reports.read(S2));
    docs.put(NO_COMMIT, Reports.read(NO_COMMIT));
    String table = MarkdownTable.render(docs);
    assertThat(table).startsWith(MarkdownTable.HEADER);
    assertThat(table.indexOf("S2-steady-10k.json")).isLessThan(table.indexOf("S2-ab-main.json"));
    assertThat(table.lines().filter(l -> l.startsWith("|---")).count()).isEqualTo(1);
  }
}
