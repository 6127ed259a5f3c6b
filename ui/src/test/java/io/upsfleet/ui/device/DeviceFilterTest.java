package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.router.QueryParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceFilterTest {
  @Test
  void roundTripsThroughTheUrl() {
    DeviceFilter f = new DeviceFilter("ON_BATTERY", "as10", "9549ee15-546b-4cfc-88f9-563ff73dab87");
    assertThat(f.queryString())
        .isEqualTo("status=ON_BATTERY&q=as10&account=9549ee15-546b-4cfc-88f9-563ff73dab87");
    assertThat(DeviceFilter.fromUrl(f.toUrl())).isEqualTo(f);
  }

  @Test
  void dropsWhatTheApiWouldRefuse() {
    DeviceFilter f =
        DeviceFilter.fromUrl(
            QueryParameters.simple(Map.of("status", "BROKEN", "q", "  ", "account", "not-a-uuid")));
    assertThat(f).isEqualTo(DeviceFilter.NONE);
    assertThat(f.queryString()).isEmpty();
  }

  @Test
  void searchesSerialsInUpperCase() {
    assertThat(new DeviceFilter(null, "as10", null).page(3, 50).parameters())
        .containsExactly(Map.entry("q", "AS10"), Map.entry("page", "3"), Map.entry("size", "50"));
  }

  @Test
  void carriesPlanModelFirmwareAndSortToTheUrlAndTheApi() {
    DeviceFilter f =
        DeviceFilter.NONE
            .withPlan("ADVANCED")
            .withModel("smt1500c")
            .withFirmwareOutdated(true)
            .withSort("-updatedAt");
    assertThat(f.queryString())
        .isEqualTo("plan=ADVANCED&model=SMT1500C&firmware=outdated&sort=-updatedAt");
    assertThat(DeviceFilter.fromUrl(f.toUrl())).isEqualTo(f);
    assertThat(f.page(0, 50).parameters())
        .containsExactly(
            Map.entry("plan", "ADVANCED"),
            Map.entry("model", "SMT1500C"),
            Map.entry("firmwareOutdated", "true"),
            Map.entry("sort", "-updatedAt"),
            Map.entry("page", "0"),
            Map.entry("size", "50"));
    assertThat(
            DeviceFilter.fromUrl(
                QueryParameters.simple(
                    Map.of(
                        "plan",
                        "PREMIUM",
                        "model",
                        "x' OR 1=1",
                        "firmware",
                        "maybe",
                        "sort",
                        "name"))))
        .isEqualTo(DeviceFilter.NONE);
    assertThat(f.withSort("serial").sort()).as("serial is the default order").isNull();
  }
}
