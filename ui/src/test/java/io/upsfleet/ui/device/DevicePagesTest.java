package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.client.DeviceQuery;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.PageView;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The lazy grid asks only for the API pages its window overlaps, never the whole fleet. */
class DevicePagesTest {
  private static final int FLEET = 100_000;
  private final List<DeviceQuery> asked = new ArrayList<>();
  private final DevicePages pages = new DevicePages(this::api, DeviceFilter.NONE);

  private PageView<DeviceSummary> api(DeviceQuery q) {
    asked.add(q);
    int from = q.page() * q.size();
    List<DeviceSummary> items =
        IntStream.range(from, Math.min(FLEET, from + q.size()))
            .mapToObj(
                i ->
                    new DeviceSummary(
                        String.format("AS%010d", i),
                        "SMT1500C",
                        null,
                        null,
                        true,
                        false,
                        List.of("OL"),
                        "OK",
                        null,
                        null,
                        "STANDARD",
                        null))
            .toList();
    return new PageView<>(items, q.page(), q.size(), FLEET);
  }

  @Test
  void aWindowInsideOnePageIsOneCall() {
    List<DeviceSummary> w = pages.window(50, 50);
    assertThat(w).hasSize(50);
    assertThat(w.get(0).serial()).isEqualTo("AS0000000050");
    assertThat(asked).extracting(DeviceQuery::page).containsExactly(1);
  }

  @Test
  void aWindowAcrossPagesIsSlicedExactly() {
    List<DeviceSummary> w = pages.window(70, 60);
    assertThat(w).extracting(DeviceSummary::serial).first().isEqualTo("AS0000000070");
    assertThat(w).extracting(DeviceSummary::serial).last().isEqualTo("AS0000000129");
    assertThat(asked).extracting(DeviceQuery::page).containsExactly(1, 2);
  }

  @Test
  void theCountReusesTheLastTotalAndResetsWithTheFilter() {
    assertThat(pages.count()).isEqualTo(FLEET);
    assertThat(asked).singleElement().satisfies(q -> assertThat(q.size()).isEqualTo(1));
    pages.window(0, 50);
    asked.clear();
    assertThat(pages.count()).isEqualTo(FLEET);
    assertThat(asked).isEmpty();
    pages.setFilter(DeviceFilter.NONE.withStatus("ON_BATTERY"));
    pages.count();
    assertThat(asked)
        .singleElement()
        .satisfies(q -> assertThat(q.status()).isEqualTo("ON_BATTERY"));
  }

  @Test
  void theEndOfTheListStopsPaging() {
    assertThat(pages.window(FLEET - 10, 50)).hasSize(10);
    assertThat(asked).hasSize(1);
  }
}
