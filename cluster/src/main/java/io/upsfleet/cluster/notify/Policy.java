package io.upsfleet.cluster.notify;

import io.upsfleet.cluster.device.EventType;
import io.upsfleet.cluster.device.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which events of which devices go to which destinations. Events: the listed {@code eventTypes}, or
 * else every type of at least {@code minSeverity}; a recovery (power restored, overload cleared,
 * connection restored) goes wherever its alarm would. Devices: all when {@code siteIds} and {@code
 * serials} are both empty, else those in one of the sites or listed. Alarms caused by a self-test,
 * a calibration or a firmware upgrade only when {@code includeMaintenance}.
 */
public record Policy(
    UUID id,
    UUID accountId,
    String name,
    Severity minSeverity,
    Set<EventType> eventTypes,
    Set<UUID> siteIds,
    Set<String> serials,
    List<UUID> destinationIds,
    boolean includeMaintenance,
    Instant createdAt) {

  public Policy {
    eventTypes = Set.copyOf(eventTypes);
    siteIds = Set.copyOf(siteIds);
    serials = Set.copyOf(serials);
    destinationIds = List.copyOf(destinationIds);
  }

  /** Whether an event of {@code type} with {@code cause} of this device passes the policy. */
  public boolean matches(EventType type, String cause, String serial, UUID siteId) {
    if (cause != null && !includeMaintenance) return false;
    if (!siteIds.isEmpty() || !serials.isEmpty()) {
      boolean inSite = siteId != null && siteIds.contains(siteId);
      if (!inSite && !serials.contains(serial)) return false;
    }
    EventType alarm = alarmOf(type);
    if (!eventTypes.isEmpty()) return eventTypes.contains(type) || eventTypes.contains(alarm);
    Severity min = minSeverity == null ? Severity.WARNING : minSeverity;
    return alarm.severity().compareTo(min) >= 0;
  }

  /** The alarm a recovery ends, or the type itself. */
  static EventType alarmOf(EventType type) {
    switch (type) {
      case POWER_RESTORED:
        return EventType.ON_BATTERY;
      case OVERLOAD_CLEARED:
        return EventType.OVERLOAD;
      case CONNECTION_RESTORED:
        return EventType.CONNECTION_LOST;
      default:
        return type;
    }
  }
}
