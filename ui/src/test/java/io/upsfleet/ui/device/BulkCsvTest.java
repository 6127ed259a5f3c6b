package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkCsvTest {
  private static final Map<String, String> SITES = Map.of("lyon-2", "site-1");

  @Test
  void eachRowIsCheckedWithItsProblemAndSitesAreFoundByNameIgnoringCase() {
    List<BulkCsv.Row> rows =
        BulkCsv.parse(
            "serial,model,site\r\n"
                + "AS1000000001,SMT1500C,LYON-2\r\n"
                + "as1000000002,SMT750I,\r\n"
                + "bad,SMT750I,\r\n"
                + "AS1000000003,smt,\r\n"
                + "AS1000000004,SMT750I,Paris\r\n"
                + "AS1000000001,SMT750I,\r\n"
                + "\r\n"
                + "AS1000000005,SMT750I,,extra\r\n",
            SITES);
    assertThat(rows)
        .extracting(BulkCsv.Row::problem)
        .containsExactly(
            null,
            null,
            "Serial must be 8 to 20 capital letters or digits",
            "Model must be 3 to 24 capital letters or digits",
            "No site named Paris",
            "Serial appears twice in the file",
            "Too many columns: serial, model, site expected");
    assertThat(rows.get(0).siteId()).isEqualTo("site-1");
    assertThat(rows.get(1).serial()).isEqualTo("AS1000000002");
    assertThat(rows).extracting(BulkCsv.Row::line).containsExactly(1, 2, 3, 4, 5, 6, 8);
  }

  @Test
  void quotedFieldsMayHoldCommasAndQuotes() {
    assertThat(BulkCsv.records("a,\"b,c\",\"d\"\"e\"\nx"))
        .containsExactly(List.of("a", "b,c", "d\"e"), List.of("x"));
  }

  @Test
  void moreThanAThousandRowsAreRefusedAsAWhole() {
    String big = "AS1000000001,SMT750I,\n".repeat(BulkCsv.MAX_ROWS + 1);
    assertThatThrownBy(() -> BulkCsv.parse(big, SITES))
        .hasMessageContaining("at most " + BulkCsv.MAX_ROWS);
  }
}
