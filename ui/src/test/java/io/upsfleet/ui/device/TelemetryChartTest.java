package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.rest.DeviceView;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryChartTest {
  private static DeviceView.Telemetry sample(Instant at, Object load) {
    return new DeviceView.Telemetry(
        at, at, 1, false, Map.of("ups.load", load, "battery.charge", 97, "ups.temperature", 31.5));
  }

  @Test
  void keepsOnlyNewSamplesAndForgetsOlderThanADay() {
    TelemetryHistory h = new TelemetryHistory();
    Instant t0 = Instant.parse("2026-11-28T00:00:00Z");
    assertThat(h.observe(sample(t0, 23))).isTrue();
    assertThat(h.observe(sample(t0, 23))).as("the same sample polled twice").isFalse();
    assertThat(h.observe(sample(t0.plusSeconds(3600), 40))).isTrue();
    assertThat(h.observe(sample(t0.plusSeconds(25 * 3600), 50))).isTrue();
    assertThat(h.samples()).extracting(TelemetryHistory.Sample::load).containsExactly(40.0, 50.0);
    assertThat(h.observe(null)).isFalse();
  }

  @Test
  void isBoundedInSize() {
    TelemetryHistory h = new TelemetryHistory();
    Instant t0 = Instant.parse("2026-11-28T00:00:00Z");
    for (int i = 0; i < TelemetryHistory.MAX_SAMPLES + 100; i++)
      h.observe(sample(t0.plusSeconds(i), i % 100));
    assertThat(h.size()).isEqualTo(TelemetryHistory.MAX_SAMPLES);
  }

  @Test
  void drawsOneLinePerSeriesAndSaysWhenThereIsNothingYet() {
    assertThat(TelemetryChart.svg(new TelemetryHistory().samples()))
        .startsWith("<svg")
        .contains("Waiting for the first sample")
        .doesNotContain("<polyline");
    TelemetryHistory h = new TelemetryHistory();
    Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
    h.observe(sample(t0, 23));
    h.observe(sample(t0.plusSeconds(60), 57));
    String svg = TelemetryChart.svg(h.samples());
    assertThat(svg)
        .contains("series load", "series charge", "series temperature", "10:00", "10:01 UTC")
        .endsWith("</svg>");
  }
}
