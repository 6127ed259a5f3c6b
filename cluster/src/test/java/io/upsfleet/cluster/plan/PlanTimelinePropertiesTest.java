package io.upsfleet.cluster.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The invariants behind the term arithmetic, for random sequences of assignments (random plans,
 * 1/3/5-year terms, assignment instants moving forward: the same instant, exactly at a term
 * boundary, after coverage lapsed, or anywhere). The principle of {@link PlanTimeline}: at every
 * instant the highest plan paid for runs, and nothing paid for is lost.
 */
class PlanTimelinePropertiesTest {

  /** How the next assignment instant follows the previous one. */
  enum Gap {
    /** The same instant (terms assigned together). */
    SAME_INSTANT,
    /**
     * Exactly the next term boundary after the previous instant (or one day later when there is
     * none).
     */
    NEXT_BOUNDARY,
    /** After the coverage ended, so the device is on Basic for a while. */
    AFTER_LAPSE,
    /** Any time within three years. */
    ANY
  }

  /** One assignment of a random sequence. */
  record Step(Plan plan, int years, Gap gap, long seconds) {
    Period period() {
      return Period.ofYears(years);
    }
  }

  /** One applied assignment: the timeline before and after it, at {@code now}. */
  record Transition(
      int index, Step step, Instant now, String id, PlanTimeline before, PlanTimeline after) {
    PlanTerm placed() {
      List<PlanTerm> mine =
          after.terms().stream().filter(t -> t.assignmentId().equals(id)).toList();
      assertThat(mine).as("the new assignment is one term").hasSize(1);
      return mine.get(0);
    }
  }

  @Provide
  Arbitrary<Instant> starts() {
    long from = Instant.parse("2020-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2030-01-01T00:00:00Z").getEpochSecond();
    return Combinators.combine(
            Arbitraries.longs().between(from, to),
            Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999_999_999)))
        .as(Instant::ofEpochSecond);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(
            Arbitraries.of(Plan.STANDARD, Plan.ADVANCED),
            Arbitraries.of(1, 3, 5),
            Arbitraries.of(Gap.class),
            Arbitraries.longs().between(0, 3L * 366 * 86_400))
        .as(Step::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(12);
  }

  /** Applies {@code steps} from an empty timeline and returns every transition. */
  private static List<Transition> run(Instant start, List<Step> steps) {
    List<Transition> out = new ArrayList<>();
    PlanTimeline t = PlanTimeline.empty();
    Instant now = start;
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      if (i > 0) now = next(t, now, s);
      String id = "s" + i;
      TermSource source =
          i % 3 == 0 ? TermSource.LICENSE : i % 3 == 1 ? TermSource.PROMOTION : TermSource.WARRANTY;
      PlanTimeline after = t.assign(s.plan(), s.period(), source, id, "SKU-" + i, now);
      out.add(new Transition(i, s, now, id, t, after));
      t = after;
    }
    return out;
  }

  private static Instant next(PlanTimeline t, Instant now, Step s) {
    return switch (s.gap()) {
      case SAME_INSTANT -> now;
      case NEXT_BOUNDARY ->
          t.terms().stream()
              .flatMap(x -> Stream.of(x.start(), x.end()))
              .filter(b -> b.isAfter(now))
              .min(Instant::compareTo)
              .orElse(now.plus(Duration.ofDays(1)));
      case AFTER_LAPSE ->
          t.coveredUntil(now).orElse(now).plusSeconds(1 + s.seconds() % (90L * 86_400));
      case ANY -> now.plusSeconds(s.seconds());
    };
  }

  /** The terms that end after {@code now}, clipped to start no earlier than it. */
  private static List<PlanTerm> future(PlanTimeline t, Instant now) {
    List<PlanTerm> out = new ArrayList<>();
    for (PlanTerm x : t.terms()) {
      if (x.end().isAfter(now)) {
        out.add(
            new PlanTerm(
                x.plan(),
                x.start().isBefore(now) ? now : x.start(),
                x.end(),
                x.source(),
                x.assignmentId(),
                x.sku()));
      }
    }
    return out;
  }

  /**
   * The timeline before {@code now}: terms clipped to end no later than it, adjacent pieces of one
   * id joined.
   */
  private static List<PlanTerm> past(PlanTimeline t, Instant now) {
    List<PlanTerm> out = new ArrayList<>();
    for (PlanTerm x : t.terms()) {
      if (!x.start().isBefore(now)) continue;
      PlanTerm clipped =
          new PlanTerm(
              x.plan(),
              x.start(),
              x.end().isAfter(now) ? now : x.end(),
              x.source(),
              x.assignmentId(),
              x.sku());
      if (!out.isEmpty()) {
        PlanTerm last = out.get(out.size() - 1);
        if (last.end().equals(clipped.start())
            && last.assignmentId().equals(clipped.assignmentId())) {
          out.set(
              out.size() - 1,
              new PlanTerm(
                  last.plan(),
                  last.start(),
                  clipped.end(),
                  last.source(),
                  last.assignmentId(),
                  last.sku()));
          continue;
        }
      }
      out.add(clipped);
    }
    return out;
  }

  private static Map<String, Duration> lengthPerAssignment(PlanTimeline t) {
    Map<String, Duration> out = new HashMap<>();
    for (PlanTerm x : t.terms()) out.merge(x.assignmentId(), x.length(), Duration::plus);
    return out;
  }

  private static Map<Plan, Duration> paidAfterPerPlan(PlanTimeline t, Instant now) {
    Map<Plan, Duration> out = new EnumMap<>(Plan.class);
    for (PlanTerm x : future(t, now)) out.merge(x.plan(), x.length(), Duration::plus);
    return out;
  }

  // ----------------------------------------------------------------------------------------
  // properties

  @Property
  void termsStayOrderedAndNonOverlapping(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      List<PlanTerm> terms = tr.after().terms();
      for (int i = 0; i < terms.size(); i++) {
        assertThat(terms.get(i).end()).isAfter(terms.get(i).start());
        assertThat(terms.get(i).plan()).isNotEqualTo(Plan.BASIC);
        if (i > 0)
          assertThat(terms.get(i).start())
              .as("term %d of %s", i, terms)
              .isAfterOrEqualTo(terms.get(i - 1).end());
      }
    }
  }

  @Property
  void appendingNeverLosesAPaidDay(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      assertThat(tr.after().remainingAfter(tr.now()))
          .as("paid time after %s once %s is placed", tr.now(), tr.step())
          .isEqualTo(tr.before().remainingAfter(tr.now()).plus(tr.placed().length()));
    }
  }

  @Property
  void anUpgradeNeverShortensThePaidTimeOfAnyPlan(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      Map<Plan, Duration> before = paidAfterPerPlan(tr.before(), tr.now());
      Map<Plan, Duration> after = paidAfterPerPlan(tr.after(), tr.now());
      for (Plan p : List.of(Plan.STANDARD, Plan.ADVANCED)) {
        Duration expected = before.getOrDefault(p, Duration.ZERO);
        if (p == tr.step().plan()) expected = expected.plus(tr.placed().length());
        assertThat(after.getOrDefault(p, Duration.ZERO))
            .as("%s time after %s", p, tr.now())
            .isEqualTo(expected);
      }
    }
  }

  @Property
  void aPlacedTermHasItsUtcCalendarLengthFromWhereItIsPlacedAndKeepsItForEver(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    List<Transition> run = run(start, steps);
    Map<String, Duration> placedLength = new HashMap<>();
    for (Transition tr : run) {
      PlanTerm placed = tr.placed();
      assertThat(placed.end())
          .isEqualTo(placed.start().atOffset(ZoneOffset.UTC).plus(tr.step().period()).toInstant());
      placedLength.put(tr.id(), placed.length());
      // Every assignment placed so far (split or moved) still adds up to its placed length.
      assertThat(lengthPerAssignment(tr.after())).isEqualTo(placedLength);
    }
  }

  @Property
  void theFutureIsContiguousFromTheAssignmentInstant(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      List<PlanTerm> future = future(tr.after(), tr.now());
      assertThat(future).isNotEmpty();
      assertThat(future.get(0).start()).as("coverage starts at the assignment").isEqualTo(tr.now());
      for (int i = 1; i < future.size(); i++) {
        assertThat(future.get(i).start())
            .as("no gap in %s", future)
            .isEqualTo(future.get(i - 1).end());
      }
      assertThat(tr.after().coveredUntil(tr.now())).contains(future.get(future.size() - 1).end());
    }
  }

  @Property
  void atEveryInstantTheHighestPlanStillQueuedRuns(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      PlanTimeline t = tr.after();
      TreeSet<Instant> probes = new TreeSet<>();
      probes.add(tr.now());
      for (PlanTerm x : t.terms()) {
        for (Instant b :
            List.of(
                x.start(),
                x.end(),
                x.end().minusNanos(1),
                x.start().plus(x.length().dividedBy(2)))) {
          if (!b.isBefore(tr.now())) probes.add(b);
        }
      }
      for (Instant p : probes) {
        Plan highest =
            t.terms().stream()
                .filter(x -> x.end().isAfter(p))
                .map(PlanTerm::plan)
                .max(Enum::compareTo)
                .orElse(Plan.BASIC);
        assertThat(t.planAt(p)).as("plan at %s of %s", p, t.terms()).isEqualTo(highest);
      }
    }
  }

  @Property
  void aNewTermStartsAfterEveryQueuedTermOfItsPlanOrHigherAndBeforeLowerOnes(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      Duration ahead = Duration.ZERO;
      for (PlanTerm x : future(tr.before(), tr.now())) {
        if (x.plan().compareTo(tr.step().plan()) >= 0) ahead = ahead.plus(x.length());
      }
      assertThat(tr.placed().start()).isEqualTo(tr.now().plus(ahead));
    }
  }

  @Property
  void withinAPlanQueuedTermsRunFirstComeFirstServed(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      Map<Plan, Integer> lastIndex = new EnumMap<>(Plan.class);
      for (PlanTerm x : future(tr.after(), tr.now())) {
        int index = Integer.parseInt(x.assignmentId().substring(1));
        Integer previous = lastIndex.put(x.plan(), index);
        if (previous != null)
          assertThat(index)
              .as("%s order in %s", x.plan(), tr.after().terms())
              .isGreaterThan(previous);
      }
    }
  }

  @Property
  void anAssignmentNeverRewritesThePast(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    for (Transition tr : run(start, steps)) {
      assertThat(past(tr.after(), tr.now())).isEqualTo(past(tr.before(), tr.now()));
    }
  }

  @Property
  void repeatingAnAssignmentIdLaterChangesNothing(
      @ForAll("starts") Instant start, @ForAll("steps") List<Step> steps) {
    List<Transition> run = run(start, steps);
    PlanTimeline last = run.get(run.size() - 1).after();
    Instant later = run.get(run.size() - 1).now().plus(Duration.ofDays(17));
    for (Transition tr : run) {
      assertThat(
              last.assign(
                  Plan.ADVANCED, Period.ofYears(5), TermSource.LICENSE, tr.id(), "X", later))
          .isEqualTo(last);
      assertThat(
              last.assign(
                  Plan.STANDARD, Period.ofYears(1), TermSource.LICENSE, tr.id(), "X", tr.now()))
          .isEqualTo(last);
    }
  }
}
