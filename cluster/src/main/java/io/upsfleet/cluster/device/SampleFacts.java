package io.upsfleet.cluster.device;

import java.util.Set;

/**
 * What of a sample can change a device's persisted state: its status flags, its firmware, its input
 * sensitivity and the band its temperature falls in (below the clear limit, between the limits,
 * above the high limit). Two samples with equal facts make the same events against the same state;
 * so once a sample's facts are stored, a later sample of the same session with equal facts cannot
 * change anything and needs no wait for storage (see {@link UpsDevices.Handle}).
 */
record SampleFacts(
    Set<StatusFlag> status, String firmware, String sensitivity, int temperatureBand) {

  static SampleFacts of(Telemetry t, double temperatureHigh, double temperatureClear) {
    Double temperature = t.number(TelemetryVariable.BATTERY_TEMPERATURE);
    if (temperature == null) temperature = t.number(TelemetryVariable.UPS_TEMPERATURE);
    int band =
        temperature == null
            ? -1
            : temperature > temperatureHigh ? 2 : temperature < temperatureClear ? 0 : 1;
    return new SampleFacts(
        t.status(),
        t.text(TelemetryVariable.UPS_FIRMWARE),
        t.text(TelemetryVariable.INPUT_SENSITIVITY),
        band);
  }
}
