package io.upsfleet.ui.overview;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.client.DeviceQuery;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.ui.testing.StubUpsfleetApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetOverviewTest {
  private static DeviceSummary device(String serial, String health) {
    return new DeviceSummary(
        serial,
        "SMT1500C",
        "a",
        null,
        true,
        false,
        List.of(),
        health,
        null,
        null,
        "STANDARD",
        null);
  }

  @Test
  void takesCountsFromTheSummaryAndListsTheWorstFirstOnce() {
    Map<String, List<DeviceSummary>> byStatus =
        Map.of(
            "ON_BATTERY", List.of(device("AS0001", "LOW_BATTERY"), device("AS0002", "ON_BATTERY")),
            "LOW_BATTERY", List.of(device("AS0001", "LOW_BATTERY")),
            "CONNECTION_LOST", List.of(device("AS0009", "CONNECTION_LOST")));
    Map<String, Long> health = new LinkedHashMap<>();
    health.put("OFFLINE", 900L);
    health.put("CONNECTION_LOST", 1L);
    health.put("LOW_BATTERY", 1L);
    health.put("ON_BATTERY", 1L);
    health.put("OK", 98_097L);
    List<DeviceQuery> asked = new ArrayList<>();
    List<String> summaries = new ArrayList<>();
    var client =
        new StubUpsfleetApi() {
          @Override
          public DeviceCounts deviceCounts(String accountId) {
            summaries.add(String.valueOf(accountId));
            return new DeviceCounts(
                100_000, health, Map.of("BASIC", 10L, "STANDARD", 99_990L, "ADVANCED", 0L), 42);
          }

          @Override
          public PageView<DeviceSummary> devices(DeviceQuery q) {
            asked.add(q);
            List<DeviceSummary> items = byStatus.getOrDefault(q.status(), List.of());
            return new PageView<>(items, 0, q.size(), items.size());
          }
        };
    var s = FleetOverview.load(client, null);
    assertThat(s.total()).isEqualTo(100_000);
    assertThat(s.byHealth()).containsExactlyEntriesOf(health);
    assertThat(s.byPlan()).containsEntry("STANDARD", 99_990L);
    assertThat(s.firmwareOutdated()).isEqualTo(42);
    assertThat(s.attention())
        .extracting(a -> a.device().serial() + ":" + a.problem())
        .containsExactly("AS0009:CONNECTION_LOST", "AS0001:LOW_BATTERY", "AS0002:ON_BATTERY");
    assertThat(summaries).containsExactly("null");
    assertThat(asked).hasSize(6).allSatisfy(q -> assertThat(q.size()).isLessThanOrEqualTo(10));
  }
}
