package io.upsfleet.cluster.device;

import java.time.Instant;
import java.util.List;

/**
 * The decisions every device entity applies, built once from the settings and shared by all
 * entities of a node (they hold no per-device state): sessions, the operation policy and lifecycle,
 * and the plan clock.
 */
record DeviceRules(
    DeviceSettings settings,
    SessionRules sessions,
    OperationPolicy policy,
    OperationLifecycle lifecycle,
    PlanClock planClock,
    UnreadableJournals unreadable) {

  static DeviceRules of(DeviceSettings settings) {
    return new DeviceRules(
        settings,
        new SessionRules(settings),
        new OperationPolicy(settings.maxOpenOperations()),
        new OperationLifecycle(settings.deliveryWindow()),
        new PlanClock(settings.warrantyMonitoringCutoff()),
        new UnreadableJournals());
  }

  /**
   * What is due at {@code now}, one kind at a time: operation deadlines (with their deadlines not
   * yet stamped), else plan changes and reminders, else the end of the offline grace.
   */
  List<UpsDevice.Event> due(RegisteredDevice s, Instant now) {
    List<UpsDevice.Event> events = lifecycle.deadlines(s, now);
    if (!events.isEmpty()) return events;
    events = planClock.due(s, now);
    if (!events.isEmpty()) return events;
    if (s.session().graceRunning() && !now.isBefore(s.session().offlineDeadline())) {
      return List.of(
          new UpsDevice.ConnectionLost(now),
          TelemetryFacts.raised(s, EventType.CONNECTION_LOST, null, now));
    }
    return List.of();
  }
}
