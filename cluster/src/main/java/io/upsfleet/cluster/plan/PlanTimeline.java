package io.upsfleet.cluster.plan;

import io.upsfleet.cluster.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A device's plan timeline: ordered, non-overlapping {@link PlanTerm}s, from which the plan at any
 * instant follows (no term = Basic). Immutable; {@link #assign} returns a new timeline.
 *
 * <p>The rules (DOMAIN.md §4–§5), all from one principle — <em>at every instant the highest plan
 * paid for runs, and nothing paid for is lost</em>:
 *
 * <ul>
 *   <li><b>Appending</b>: a term of the plan that runs now (or of a plan already queued) starts
 *       when the terms of that plan and higher ones end;
 *   <li><b>Stacking</b>: terms assigned together follow one another (1Y + 3Y = 4 years);
 *   <li><b>Upgrade</b>: a higher plan starts immediately; the remainder of the lower plan is paused
 *       and resumes after the higher plan's terms end (nothing paid for is lost);
 *   <li><b>Lower plan while a higher one runs</b>: appended after the higher plan's terms.
 * </ul>
 *
 * A term's length is fixed when it is placed: its calendar length in UTC from its start (so a 1Y
 * term placed on 2024-02-29 ends on 2025-02-28). When later terms move (an upgrade pushes them),
 * they keep their exact length.
 */
public record PlanTimeline(List<PlanTerm> terms) implements CborSerializable {

  public PlanTimeline {
    terms = List.copyOf(terms);
    for (int i = 1; i < terms.size(); i++) {
      if (terms.get(i).start().isBefore(terms.get(i - 1).end())) {
        throw new IllegalArgumentException(
            "terms overlap: " + terms.get(i - 1) + " and " + terms.get(i));
      }
    }
  }

  public static PlanTimeline empty() {
    return new PlanTimeline(List.of());
  }

  /** The term running at {@code at}, if any. */
  public Optional<PlanTerm> termAt(Instant at) {
    for (PlanTerm t : terms) if (t.covers(at)) return Optional.of(t);
    return Optional.empty();
  }

  /** The plan at {@code at}: the running term's, or Basic. */
  public Plan planAt(Instant at) {
    return termAt(at).map(PlanTerm::plan).orElse(Plan.BASIC);
  }

  /** Whether an assignment was already applied (idempotency of assignments). */
  public boolean contains(String assignmentId) {
    return terms.stream().anyMatch(t -> t.assignmentId().equals(assignmentId));
  }

  /**
   * When the paid coverage running at {@code at} ends (the end of its run of back-to-back terms),
   * if covered.
   */
  public Optional<Instant> coveredUntil(Instant at) {
    Optional<PlanTerm> running = termAt(at);
    if (running.isEmpty()) return Optional.empty();
    Instant end = running.get().end();
    for (PlanTerm t : terms) {
      if (t.start().equals(end)) end = t.end(); // terms are in order, so one pass follows the run
    }
    return Optional.of(end);
  }

  /**
   * Instants after {@code after} at which the plan changes (term boundaries where the plan
   * differs).
   */
  public List<Instant> changesAfter(Instant after) {
    List<Instant> out = new ArrayList<>();
    for (PlanTerm t : terms) {
      for (Instant b : List.of(t.start(), t.end())) {
        if (b.isAfter(after) && !out.contains(b)) {
          Plan before = planAt(b.minusNanos(1));
          if (before != planAt(b)) out.add(b);
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /**
   * Places a new term of {@code plan} lasting {@code period}, assigned at {@code now}, under the
   * rules above.
   *
   * @return the new timeline; unchanged when {@code assignmentId} is already in it
   */
  public PlanTimeline assign(
      Plan plan, Period period, TermSource source, String assignmentId, String sku, Instant now) {
    if (plan == Plan.BASIC) throw new IllegalArgumentException("Basic cannot be assigned");
    if (period.isNegative() || period.isZero())
      throw new IllegalArgumentException("period must be positive");
    if (contains(assignmentId)) return this;
    List<PlanTerm> past = new ArrayList<>();
    List<PlanTerm> future = new ArrayList<>(); // as queued, with their exact lengths
    for (PlanTerm t : terms) {
      if (!t.end().isAfter(now)) {
        past.add(t);
      } else if (t.start().isBefore(now)) {
        past.add(t.withSpan(t.start(), now));
        future.add(t.withSpan(now, t.end()));
      } else {
        future.add(t);
      }
    }
    // The queue runs highest plan first, first come first served within a plan.
    int insertAt = 0;
    while (insertAt < future.size() && future.get(insertAt).plan().compareTo(plan) >= 0) insertAt++;
    Instant cursor = now;
    List<PlanTerm> laidOut = new ArrayList<>(past);
    for (int i = 0; i < future.size(); i++) {
      if (i == insertAt) cursor = place(laidOut, plan, period, source, assignmentId, sku, cursor);
      PlanTerm t = future.get(i);
      // Terms behind the new one are pushed back; those ahead keep their start.
      Instant start = i >= insertAt || cursor.isAfter(t.start()) ? cursor : t.start();
      Instant end = start.plus(t.length());
      laidOut.add(t.withSpan(start, end));
      cursor = end;
    }
    if (insertAt == future.size()) place(laidOut, plan, period, source, assignmentId, sku, cursor);
    return new PlanTimeline(merge(laidOut));
  }

  private static Instant place(
      List<PlanTerm> out,
      Plan plan,
      Period period,
      TermSource source,
      String id,
      String sku,
      Instant start) {
    Instant end = start.atOffset(ZoneOffset.UTC).plus(period).toInstant();
    out.add(new PlanTerm(plan, start, end, source, id, sku));
    return end;
  }

  /** Joins the two halves of a term split at an instant when nothing came between them. */
  private static List<PlanTerm> merge(List<PlanTerm> terms) {
    List<PlanTerm> out = new ArrayList<>();
    for (PlanTerm t : terms) {
      if (!out.isEmpty()) {
        PlanTerm last = out.get(out.size() - 1);
        if (last.end().equals(t.start())
            && last.assignmentId().equals(t.assignmentId())
            && last.plan() == t.plan()) {
          out.set(out.size() - 1, last.withSpan(last.start(), t.end()));
          continue;
        }
      }
      out.add(t);
    }
    return out;
  }

  /** Total paid time after {@code at}. */
  public Duration remainingAfter(Instant at) {
    Duration d = Duration.ZERO;
    for (PlanTerm t : terms) {
      if (t.end().isAfter(at))
        d = d.plus(Duration.between(t.start().isAfter(at) ? t.start() : at, t.end()));
    }
    return d;
  }
}
