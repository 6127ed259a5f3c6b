package io.upsfleet.cluster.device;

import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A registered device's plan over time as decisions: the plan changes and expiry reminders that
 * fell due, and what a license assignment changes. Pure: state, input and instant in, events out.
 * The warranty-monitoring rule is resolved here and recorded in the event, so replaying never
 * depends on the configuration.
 */
final class PlanClock {

  /**
   * The cut-off, and the reading of it (by registration date), in force before {@link
   * UpsDevice.EntitlementsApplied} recorded its resolution: events without it replay that way.
   */
  static final Instant LEGACY_MONITORING_CUTOFF = Instant.parse("2023-08-01T00:00:00Z");

  private final Instant monitoringCutoff;

  PlanClock(Instant monitoringCutoff) {
    this.monitoringCutoff = monitoringCutoff;
  }

  /** PLAN_CHANGED / PLAN_EXPIRED / PLAN_EXPIRING due in (checkedUntil, now], and the check mark. */
  List<UpsDevice.Event> due(RegisteredDevice s, Instant now) {
    PlanBook book = s.plan();
    if (book.checkedUntil() == null || !now.isAfter(book.checkedUntil())) return List.of();
    Instant from = book.checkedUntil();
    List<UpsDevice.Event> events = new ArrayList<>();
    for (PlanSchedule.Change ch : PlanSchedule.changes(book.timeline(), from, now)) {
      TreeMap<String, String> details = new TreeMap<>();
      details.put("from", ch.from().name());
      details.put("to", ch.to().name());
      EventType type = ch.to() == Plan.BASIC ? EventType.PLAN_EXPIRED : EventType.PLAN_CHANGED;
      events.add(
          new UpsDevice.EventRaised(type, type.severity(), null, null, -1, details, true, ch.at()));
    }
    for (PlanSchedule.Reminder r : PlanSchedule.reminders(book.timeline(), from, now)) {
      TreeMap<String, String> details = new TreeMap<>();
      details.put("days", Integer.toString(r.days()));
      details.put("endsAt", r.endsAt().toString());
      details.put("plan", r.plan().name());
      events.add(
          new UpsDevice.EventRaised(
              EventType.PLAN_EXPIRING,
              EventType.PLAN_EXPIRING.severity(),
              null,
              null,
              -1,
              details,
              true,
              r.due()));
    }
    if (events.isEmpty()) return List.of();
    events.add(new UpsDevice.PlanChecked(now, book.checked(now).record(now), now));
    return events;
  }

  /**
   * What an assignment's grants change at {@code now}: what fell due before it first (a lapse while
   * the entity slept), the application, and PLAN_CHANGED when the plan now differs.
   */
  List<UpsDevice.Event> entitlements(
      RegisteredDevice s, String assignmentId, List<Grant> grants, String by, Instant now) {
    List<UpsDevice.Event> events = new ArrayList<>(due(s, now));
    RegisteredDevice before = s;
    for (UpsDevice.Event e : events) {
      if (e instanceof UpsDevice.PlanChecked c) before = before.on(c);
    }
    boolean extended = monitoringExtended(now);
    PlanBook after = before.plan().withGrants(assignmentId, grants, now, extended);
    events.add(
        new UpsDevice.EntitlementsApplied(
            assignmentId, grants, by, after.record(now), now, extended));
    Plan planBefore = before.plan().timeline().planAt(now);
    Plan planNow = after.timeline().planAt(now);
    if (planBefore != planNow) {
      TreeMap<String, String> details = new TreeMap<>();
      details.put("from", planBefore.name());
      details.put("to", planNow.name());
      details.put("assignment", assignmentId);
      events.add(
          new UpsDevice.EventRaised(
              EventType.PLAN_CHANGED,
              EventType.PLAN_CHANGED.severity(),
              null,
              null,
              -1,
              details,
              true,
              now));
    }
    return events;
  }

  /** The plan book the grants would give, without applying them. */
  PlanBook preview(RegisteredDevice s, List<Grant> grants, Instant now) {
    return s.plan().withGrants("preview", grants, now, monitoringExtended(now));
  }

  /**
   * Whether an extended warranty applied at {@code appliedAt} also extends monitoring: only one
   * applied (bought/activated) before the cut-off; the device's registration date plays no part
   * (FAQ §2, DOMAIN.md §4). The answer is recorded in {@link UpsDevice.EntitlementsApplied}, so
   * journals written under the earlier reading keep the terms they granted.
   */
  private boolean monitoringExtended(Instant appliedAt) {
    return appliedAt.isBefore(monitoringCutoff);
  }

  /** When the plan next needs a look (a change or a reminder), if ever. */
  static Optional<Instant> nextDeadline(RegisteredDevice s) {
    PlanBook book = s.plan();
    return book.checkedUntil() == null
        ? Optional.empty()
        : PlanSchedule.nextDeadline(book.timeline(), book.checkedUntil());
  }
}
