package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.List;

/**
 * A device's downsampled telemetry ({@code GET /api/v1/devices/{serial}/telemetry}): at most one
 * point per interval (one minute by default), oldest first.
 */
public record TelemetryHistoryView(String serial, List<Point> points) {

  /**
   * One point: the start of its interval and the values of the first sample received in it; a value
   * the sample did not carry is null.
   *
   * @param load {@code ups.load} (%)
   * @param charge {@code battery.charge} (%)
   * @param runtime {@code battery.runtime} (s)
   * @param batteryTemperature {@code battery.temperature} (°C)
   * @param inputVoltage {@code input.voltage} (V)
   * @param outputVoltage {@code output.voltage} (V)
   * @param status {@code ups.status} flags, space-separated
   */
  public record Point(
      Instant at,
      Double load,
      Double charge,
      Double runtime,
      Double batteryTemperature,
      Double inputVoltage,
      Double outputVoltage,
      String status) {}
}
