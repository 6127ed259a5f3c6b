package io.upsfleet.cluster.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What happens to a timeline as time passes: the plan changes at term boundaries, and before every
 * drop to a lower plan (including Basic) reminders fall due {@value #REMINDER_DAYS_TEXT} days
 * ahead. Pure functions of the timeline and the instants given, so every node computes the same
 * answer.
 */
public final class PlanSchedule {
  static final String REMINDER_DAYS_TEXT = "90/30/7/0";

  /** Days before a drop at which a reminder falls due, furthest first. */
  public static final List<Integer> REMINDER_DAYS = List.of(90, 30, 7, 0);

  private PlanSchedule() {}

  /** A change of plan at {@code at}. */
  public record Change(Instant at, Plan from, Plan to) {}

  /**
   * A reminder due at {@code due}: the plan drops from {@code plan} at {@code endsAt}, {@code days}
   * ahead.
   */
  public record Reminder(Instant due, Instant endsAt, int days, Plan plan) {}

  /** The plan changes in {@code (after, until]}, in order. */
  public static List<Change> changes(PlanTimeline t, Instant after, Instant until) {
    List<Change> out = new ArrayList<>();
    for (Instant b : t.changesAfter(after)) {
      if (b.isAfter(until)) break;
      out.add(new Change(b, t.planAt(b.minusNanos(1)), t.planAt(b)));
    }
    return out;
  }

  /**
   * The reminders due in {@code (after, until]}: for each drop, only the latest one due (a device
   * that slept past several gets one, not a burst), and none for a drop already past.
   */
  public static List<Reminder> reminders(PlanTimeline t, Instant after, Instant until) {
    List<Reminder> out = new ArrayList<>();
    for (Instant drop : drops(t, after)) {
      Reminder latest = null;
      for (int days : REMINDER_DAYS) {
        Instant due = drop.minus(Duration.ofDays(days));
        if (due.isAfter(after) && !due.isAfter(until)) {
          latest = new Reminder(due, drop, days, t.planAt(drop.minusNanos(1)));
        }
      }
      if (latest != null && !drop.isBefore(until.minus(Duration.ofDays(1)))) out.add(latest);
    }
    return out;
  }

  /** The first instant after {@code after} at which a change or a reminder falls due. */
  public static Optional<Instant> nextDeadline(PlanTimeline t, Instant after) {
    Instant next = null;
    for (Instant b : t.changesAfter(after)) {
      next = b;
      break;
    }
    for (Instant drop : drops(t, after)) {
      for (int days : REMINDER_DAYS) {
        Instant due = drop.minus(Duration.ofDays(days));
        if (due.isAfter(after) && (next == null || due.isBefore(next))) next = due;
      }
    }
    return Optional.ofNullable(next);
  }

  /** Instants after {@code after} where the plan becomes lower. */
  static List<Instant> drops(PlanTimeline t, Instant after) {
    List<Instant> out = new ArrayList<>();
    for (Instant b : t.changesAfter(after)) {
      if (t.planAt(b).compareTo(t.planAt(b.minusNanos(1))) < 0) out.add(b);
    }
    return out;
  }
}
