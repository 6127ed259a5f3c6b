package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * What a registered device's samples and reports have established: its status flags, the
 * temperature alarm, its firmware, the order of the newest sample that changed any of them, and the
 * keys of recently persisted device reports (to recognise a re-send).
 *
 * @param status the latest status flags
 * @param temperatureHigh whether the temperature alarm is raised
 * @param firmware the latest reported firmware, or null
 * @param newest the order of the newest sample that changed persisted state, or null (journals
 *     written before samples were ordered)
 * @param recentReports keys of recently persisted device reports, oldest first
 */
public record Health(
    Set<StatusFlag> status,
    boolean temperatureHigh,
    String firmware,
    SampleOrder newest,
    List<String> recentReports)
    implements CborSerializable {

  static final int RECENT_REPORTS = 64;

  public Health {
    status = Set.copyOf(status);
    recentReports = List.copyOf(recentReports);
  }

  static Health unknown() {
    return new Health(Set.of(), false, null, null, List.of());
  }

  Health withStatus(Set<StatusFlag> to, SampleOrder order) {
    return new Health(to, temperatureHigh, firmware, later(order), recentReports);
  }

  Health withTemperatureHigh(boolean high, SampleOrder order) {
    return new Health(status, high, firmware, later(order), recentReports);
  }

  Health withFirmware(String to, SampleOrder order) {
    return new Health(status, temperatureHigh, to, later(order), recentReports);
  }

  Health withReport(String key) {
    ArrayDeque<String> keys = new ArrayDeque<>(recentReports);
    keys.addLast(key);
    while (keys.size() > RECENT_REPORTS) keys.removeFirst();
    return new Health(status, temperatureHigh, firmware, newest, List.copyOf(keys));
  }

  private SampleOrder later(SampleOrder order) {
    return order == null ? newest : order;
  }

  /** The key by which a device report is recognised when it is sent again. */
  static String reportKey(long seq, EventType type, Object deviceTime) {
    return seq + "|" + type + "|" + deviceTime;
  }
}
