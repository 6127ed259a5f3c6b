package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.TelemetryHistoryView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryHistoryTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

  private static TelemetryHistoryView.Point point(Instant at, double load) {
    return new TelemetryHistoryView.Point(at, load, 90.0, null, 30.0, 230.0, 230.0, "OL");
  }

  @Test
  void putsTheGatewaysHistoryBeforeTheLiveSamples() {
    TelemetryHistory h = new TelemetryHistory();
    h.observe(new DeviceView.Telemetry(NOW, NOW, 1, false, Map.of("ups.load", 50)));
    h.addHistory(
        List.of(
            point(NOW.minusSeconds(120), 10),
            point(NOW.minusSeconds(60), 20),
            point(NOW, 99),
            point(NOW.minusSeconds(25 * 3600), 5)));
    assertThat(h.samples())
        .extracting(TelemetryHistory.Sample::at)
        .containsExactly(NOW.minusSeconds(120), NOW.minusSeconds(60), NOW);
    assertThat(h.samples())
        .extracting(TelemetryHistory.Sample::load)
        .containsExactly(10.0, 20.0, 50.0);
    assertThat(h.samples().get(0).temperature()).isEqualTo(30.0);
    // Live samples keep appending after the history.
    h.observe(
        new DeviceView.Telemetry(
            NOW.plusSeconds(5), NOW.plusSeconds(5), 2, false, Map.of("ups.load", 51)));
    assertThat(h.samples()).hasSize(4);
  }
}
