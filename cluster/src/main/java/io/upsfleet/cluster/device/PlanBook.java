package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanRecord;
import io.upsfleet.cluster.plan.PlanSchedule;
import io.upsfleet.cluster.plan.PlanStatus;
import io.upsfleet.cluster.plan.PlanTerm;
import io.upsfleet.cluster.plan.PlanTimeline;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A registered device's plan book: its plan terms over time, its warranties, how far plan changes
 * and reminders have been raised, and every license assignment applied (each applies once,
 * forever). Pure: every transition takes what it needs from its arguments.
 *
 * @param timeline the plan terms
 * @param warrantyEnds end of the electronics warranty
 * @param batteryWarrantyEnds end of the battery warranty
 * @param checkedUntil plan changes and reminders up to here have been raised
 * @param appliedAssignments the ids of the assignments applied
 */
public record PlanBook(
    PlanTimeline timeline,
    Instant warrantyEnds,
    Instant batteryWarrantyEnds,
    Instant checkedUntil,
    Set<String> appliedAssignments)
    implements CborSerializable {

  public PlanBook {
    appliedAssignments = appliedAssignments == null ? Set.of() : Set.copyOf(appliedAssignments);
  }

  /** Whether assignment {@code id} was applied before. */
  boolean applied(String id) {
    return appliedAssignments.contains(id) || timeline.contains(id);
  }

  /** The plan at an instant (no running term: Basic). */
  PlanStatus planAt(Instant at) {
    return timeline
        .termAt(at)
        .map(t -> new PlanStatus(t.plan(), t.source().name(), t.start(), t.end()))
        .orElse(new PlanStatus(Plan.BASIC, "NONE", null, null));
  }

  PlanBook checked(Instant until) {
    Instant later = checkedUntil == null || checkedUntil.isBefore(until) ? until : checkedUntil;
    return new PlanBook(timeline, warrantyEnds, batteryWarrantyEnds, later, appliedAssignments);
  }

  /**
   * The book after an assignment's grants at {@code at}: license terms placed on the timeline (a
   * promotion's bonus after its SKU's term), warranty extensions added to the warranty end (from
   * {@code at} if it already ended), and, when {@code monitoringExtended}, the same term of
   * Standard monitoring.
   */
  PlanBook withGrants(
      String assignmentId, List<Grant> grants, Instant at, boolean monitoringExtended) {
    PlanTimeline t = timeline;
    Instant warranty = warrantyEnds;
    Instant battery = batteryWarrantyEnds;
    int i = 0;
    for (Grant g : grants) {
      String id = i++ == 0 ? assignmentId : assignmentId + "#" + (i - 1);
      Sku sku = g.sku();
      switch (sku.kind()) {
        case LICENSE -> t = t.assign(sku.plan(), sku.term(), g.source(), id, sku.code(), at);
        case WARRANTY, BATTERY_WARRANTY -> {
          if (sku.kind() == Sku.Kind.WARRANTY) warranty = plus(later(warranty, at), sku.term());
          battery = plus(later(battery, at), sku.term());
          if (monitoringExtended) {
            t = t.assign(Plan.STANDARD, sku.term(), TermSource.WARRANTY, id, sku.code(), at);
          }
        }
      }
    }
    return new PlanBook(t, warranty, battery, later(checkedUntil, at), appliedAssignments);
  }

  PlanBook withAssignment(String assignmentId) {
    Set<String> ids = new HashSet<>(appliedAssignments);
    ids.add(assignmentId);
    return new PlanBook(timeline, warrantyEnds, batteryWarrantyEnds, checkedUntil, ids);
  }

  /** The plan record persisted with plan events. */
  PlanRecord record(Instant at) {
    return new PlanRecord(
        timeline.planAt(at),
        timeline.termAt(at).map(PlanTerm::end).orElse(null),
        timeline.coveredUntil(at).orElse(null),
        checkedUntil == null
            ? null
            : PlanSchedule.nextDeadline(timeline, checkedUntil).orElse(null),
        warrantyEnds,
        batteryWarrantyEnds);
  }

  static Instant plus(Instant at, Period p) {
    return at.atOffset(ZoneOffset.UTC).plus(p).toInstant();
  }

  static Instant later(Instant a, Instant b) {
    return a == null || a.isBefore(b) ? b : a;
  }
}
