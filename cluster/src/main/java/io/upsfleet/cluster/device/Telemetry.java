package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One validated telemetry sample of a UPS. Built only by the edge after every value passed its
 * {@link TelemetryVariable} check, so the entity can apply it whole. The server receive time is the
 * authority; {@code clockSkewed} flags a device clock far from it.
 *
 * @param deviceTime the device's own timestamp ({@code ts})
 * @param receivedAt when the gateway received the sample
 * @param seq the device's per-device counter
 * @param status the {@code ups.status} flags
 * @param measurements numeric variables by NUT name
 * @param readings string variables by NUT name (enums, text, dates)
 * @param clockSkewed whether {@code deviceTime} differs from {@code receivedAt} by more than the
 *     allowed skew
 * @param boot the device's boot counter ({@code boot}), or -1 when it does not send one
 */
public record Telemetry(
    Instant deviceTime,
    Instant receivedAt,
    long seq,
    Set<StatusFlag> status,
    SortedMap<String, Double> measurements,
    SortedMap<String, String> readings,
    boolean clockSkewed,
    long boot)
    implements CborSerializable {

  /** A sample of a device that sends no boot counter. */
  public Telemetry(
      Instant deviceTime,
      Instant receivedAt,
      long seq,
      Set<StatusFlag> status,
      SortedMap<String, Double> measurements,
      SortedMap<String, String> readings,
      boolean clockSkewed) {
    this(deviceTime, receivedAt, seq, status, measurements, readings, clockSkewed, -1);
  }

  public Telemetry {
    status = Set.copyOf(status);
    measurements = Collections.unmodifiableSortedMap(new TreeMap<>(measurements));
    readings = Collections.unmodifiableSortedMap(new TreeMap<>(readings));
  }

  /** A numeric value, or null when the sample did not carry it. */
  public Double number(TelemetryVariable v) {
    return measurements.get(v.wireName());
  }

  /** A string value, or null when the sample did not carry it. */
  public String text(TelemetryVariable v) {
    return readings.get(v.wireName());
  }

  /** All values as one map of NUT name to number or string, {@code ups.status} included. */
  public Map<String, Object> values() {
    TreeMap<String, Object> all = new TreeMap<>(measurements);
    all.putAll(readings);
    all.put(TelemetryVariable.UPS_STATUS.wireName(), StatusFlag.render(status));
    return all;
  }
}
