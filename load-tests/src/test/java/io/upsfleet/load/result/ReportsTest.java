package io.upsfleet.load.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed report is the JSON of every report since the first: each committed report in {@code
 * load-tests/results} loads (strictly: an unknown key fails) and is written back with the same
 * figures under the same names.
 */
class ReportsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> committedReports() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("results"))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void everyCommittedReportLoadsAndIsWrittenBackUnchanged(@TempDir Path dir) throws IOException {
    List<Path> reports = committedReports();
    assertThat(reports).hasSizeGreaterThanOrEqualTo(10);
    for (Path p : reports) {
      ReportDocument doc = Reports.read(p);
      assertThat(doc.runs()).as(p.toString()).isNotEmpty();
      Path copy = dir.resolve(p.getFileName());
      Reports.write(doc, copy);
      JsonNode before = withoutNulls(JSON.readTree(p.toFile()));
      JsonNode after = withoutNulls(JSON.readTree(copy.toFile()));
      assertThat(after.equals(ReportsTest::sameValue, before))
          .as("%s written back:%n%s%nwas:%n%s", p, after, before)
          .isTrue();
    }
  }

  @Test
  void aReportWithAKeyNoRecordKnowsIsRefused(@TempDir Path dir) throws IOException {
    Path p = committedReports().get(0);
    ObjectNode tree = (ObjectNode) JSON.readTree(p.toFile());
    ((ObjectNode) tree.get("runs").get(0)).put("someNewFigure", 1);
    Path odd = dir.resolve("odd.json");
    JSON.writeValue(odd.toFile(), tree);
    assertThatThrownBy(() -> Reports.read(odd)).hasMessageContaining("someNewFigure");
  }

  @Test
  void theTypedRunKeepsItsFigures() throws IOException {
    ReportDocument doc = Reports.read(Path.of("results/2026-11-28-scale-19500.json"));
    RunResult first = doc.runs().get(0);
    assertThat(first.target()).isEqualTo("gateway");
    assertThat(first.outageWave().devices()).isEqualTo(1984);
    assertThat(first.commandRoundTripMs().count()).isPositive();
    assertThat(first.pubAckMs().p99()).isPositive();
    assertThat(doc.environment().commit()).isEqualTo("7640dd2");
    assertThat(doc.settings().outageShare()).isEqualTo(0.1);
  }

  /** Numbers compare by value (an integer written back as 3.0 is the same figure). */
  private static int sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) return Double.compare(a.doubleValue(), b.doubleValue());
    return a.equals(b) ? 0 : 1;
  }

  /** The tree without null members (a missing figure is written as null or left out). */
  private static JsonNode withoutNulls(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull()) it.remove();
        else withoutNulls(e.getValue());
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(ReportsTest::withoutNulls);
    }
    return node;
  }
}
