package io.upsfleet.ui.overview;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.ui.gateway.DeviceQuery;
import io.upsfleet.ui.testing.StubGatewayClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetOverviewTest {
  private static DeviceSummary device(String serial, String health) {
    return new DeviceSummary(serial, "SMT1500C", "a", null, true, false, List.of(), health, null, null);
  }

  @Test
  void countsByStatusFromTotalsAndListsTheWorstFirstOnce() {
    Map<String, List<DeviceSummary>> byStatus = Map.of(
        "ON_BATTERY", List.of(device("AS0001", "LOW_BATTERY"), device("AS0002", "ON_BATTERY")),
        "LOW_BATTERY", List.of(device("AS0001", "LOW_BATTERY")),
        "CONNECTION_LOST", List.of(device("AS0009", "CONNECTION_LOST")));
    List<DeviceQuery> asked = new ArrayList<>();
    var client = new StubGatewayClient() {
      @Override
      public PageView<DeviceSummary> devices(DeviceQuery q) {
        asked.add(q);
        if (q.status() == null) return new PageView<>(List.of(), 0, 1, 100_000);
        List<DeviceSummary> items = byStatus.getOrDefault(q.status(), List.of());
        return new PageView<>(items, 0, q.size(), q.status().equals("ONLINE") ? 99_000 : items.size());
      }
    };
    var s = FleetOverview.load(client, null);
    assertThat(s.total()).isEqualTo(100_000);
    assertThat(s.byStatus()).containsEntry("ONLINE", 99_000L).containsEntry("ON_BATTERY", 2L)
        .containsEntry("LOW_BATTERY", 1L).containsEntry("OVERLOAD", 0L);
    assertThat(s.attention()).extracting(a -> a.device().serial() + ":" + a.problem())
        .containsExactly("AS0009:CONNECTION_LOST", "AS0001:LOW_BATTERY", "AS0002:ON_BATTERY");
    assertThat(asked).hasSize(9).allSatisfy(q -> assertThat(q.size()).isLessThanOrEqualTo(10));
  }
}
