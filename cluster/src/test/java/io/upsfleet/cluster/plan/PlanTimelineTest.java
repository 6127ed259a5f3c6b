package io.upsfleet.cluster.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Term arithmetic of DOMAIN.md §5 by example: appending, stacking, upgrades and what happens to the
 * lower plan's remainder, lower plans while a higher one runs, bulk early renewal, calendar lengths
 * across leap years and month ends, idempotency per assignment id, and the half-open boundaries of
 * a term.
 */
class PlanTimelineTest {

  private static final Period ONE_YEAR = Period.ofYears(1);
  private static final Period THREE_YEARS = Period.ofYears(3);

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  private static PlanTerm term(Plan plan, String start, String end, String id, String sku) {
    return new PlanTerm(plan, at(start), at(end), TermSource.LICENSE, id, sku);
  }

  private static PlanTimeline standard(PlanTimeline t, Period p, String id, Instant now) {
    return t.assign(
        Plan.STANDARD,
        p,
        TermSource.LICENSE,
        id,
        "SMARTCONNECT-STANDARD-" + p.getYears() + "Y",
        now);
  }

  private static PlanTimeline advanced(PlanTimeline t, Period p, String id, Instant now) {
    return t.assign(
        Plan.ADVANCED,
        p,
        TermSource.LICENSE,
        id,
        "SMARTCONNECT-ADVANCED-" + p.getYears() + "Y",
        now);
  }

  private static PlanTerm only(PlanTimeline t, String assignmentId) {
    List<PlanTerm> found =
        t.terms().stream().filter(x -> x.assignmentId().equals(assignmentId)).toList();
    assertThat(found).as("terms of " + assignmentId).hasSize(1);
    return found.get(0);
  }

  // ------------------------------------------------------------------------------------ Basic and
  // appending

  @Nested
  class Appending {

    @Test
    void aBasicDeviceGetsATermStartingNow() {
      Instant now = at("2025-03-10T08:15:30Z");
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "a", now);
      assertThat(t.terms())
          .containsExactly(
              term(
                  Plan.STANDARD,
                  "2025-03-10T08:15:30Z",
                  "2026-03-10T08:15:30Z",
                  "a",
                  "SMARTCONNECT-STANDARD-1Y"));
      assertThat(t.planAt(now)).isEqualTo(Plan.STANDARD);
      assertThat(t.planAt(now.minusNanos(1))).isEqualTo(Plan.BASIC);
    }

    @Test
    void aDeviceWhoseTermsHaveAllEndedGetsANewTermStartingNowNotAfterTheOldEnd() {
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "old", at("2023-01-01T00:00:00Z"));
      Instant now = at("2025-06-15T12:00:00Z"); // Basic since 2024-01-01
      assertThat(t.planAt(now)).isEqualTo(Plan.BASIC);
      t = advanced(t, ONE_YEAR, "new", now);
      assertThat(only(t, "new").start()).isEqualTo(now);
      assertThat(only(t, "new").end()).isEqualTo(at("2026-06-15T12:00:00Z"));
      assertThat(only(t, "old").end())
          .as("the past is untouched")
          .isEqualTo(at("2024-01-01T00:00:00Z"));
    }

    @Test
    void aSamePlanTermAssignedEarlyStartsWhenTheCurrentTermEnds() {
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "a", at("2025-01-15T10:00:00Z"));
      t = standard(t, ONE_YEAR, "b", at("2025-06-01T09:00:00Z"));
      assertThat(t.terms())
          .containsExactly(
              term(
                  Plan.STANDARD,
                  "2025-01-15T10:00:00Z",
                  "2026-01-15T10:00:00Z",
                  "a",
                  "SMARTCONNECT-STANDARD-1Y"),
              term(
                  Plan.STANDARD,
                  "2026-01-15T10:00:00Z",
                  "2027-01-15T10:00:00Z",
                  "b",
                  "SMARTCONNECT-STANDARD-1Y"));
      assertThat(t.coveredUntil(at("2025-06-01T09:00:00Z"))).contains(at("2027-01-15T10:00:00Z"));
    }

    @Test
    void earlyRenewalLosesNoTimeOfTheRunningTerm() {
      Instant now = at("2025-06-01T09:00:00Z");
      PlanTimeline before =
          standard(PlanTimeline.empty(), ONE_YEAR, "a", at("2025-01-15T10:00:00Z"));
      PlanTimeline after = standard(before, ONE_YEAR, "b", now);
      assertThat(after.remainingAfter(now))
          .isEqualTo(before.remainingAfter(now).plus(only(after, "b").length()));
    }

    @Test
    void anAdvancedTermAssignedWhileAdvancedRunsIsAppendedToTheAdvancedRunAheadOfQueuedStandard() {
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "std", at("2025-01-01T00:00:00Z"));
      t = advanced(t, ONE_YEAR, "adv1", at("2025-03-01T00:00:00Z"));
      Duration stdRemainder =
          Duration.between(at("2025-03-01T00:00:00Z"), at("2026-01-01T00:00:00Z"));
      t = advanced(t, ONE_YEAR, "adv2", at("2025-05-01T00:00:00Z"));
      assertThat(only(t, "adv2").start()).isEqualTo(at("2026-03-01T00:00:00Z"));
      assertThat(only(t, "adv2").end()).isEqualTo(at("2027-03-01T00:00:00Z"));
      List<PlanTerm> std = t.terms().stream().filter(x -> x.assignmentId().equals("std")).toList();
      assertThat(std).hasSize(2);
      assertThat(std.get(1).start())
          .as("the Standard remainder waits for every Advanced term")
          .isEqualTo(at("2027-03-01T00:00:00Z"));
      assertThat(std.get(1).length()).isEqualTo(stdRemainder);
    }
  }

  // ------------------------------------------------------------------------------------ stacking

  @Nested
  class Stacking {

    @Test
    void oneYearPlusThreeYearsAssignedTogetherAddUpToFourCalendarYears() {
      Instant now = at("2025-01-15T10:00:00Z");
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "a", now);
      t = standard(t, THREE_YEARS, "b", now);
      assertThat(t.terms())
          .containsExactly(
              term(
                  Plan.STANDARD,
                  "2025-01-15T10:00:00Z",
                  "2026-01-15T10:00:00Z",
                  "a",
                  "SMARTCONNECT-STANDARD-1Y"),
              term(
                  Plan.STANDARD,
                  "2026-01-15T10:00:00Z",
                  "2029-01-15T10:00:00Z",
                  "b",
                  "SMARTCONNECT-STANDARD-3Y"));
      assertThat(t.coveredUntil(now)).contains(at("2029-01-15T10:00:00Z"));
      assertThat(t.changesAfter(now))
          .as("no plan change between stacked same-plan terms")
          .containsExactly(at("2029-01-15T10:00:00Z"));
    }

    @Test
    void stackedTermsAfterARunningTrialStartWhenTheTrialEnds() {
      Instant reg = at("2025-03-10T08:00:00Z");
      PlanTimeline t =
          PlanTimeline.empty()
              .assign(Plan.STANDARD, Period.ofMonths(6), TermSource.TRIAL, "trial", null, reg);
      Instant now = at("2025-05-01T00:00:00Z");
      t = standard(t, ONE_YEAR, "a", now);
      t = standard(t, THREE_YEARS, "b", now);
      assertThat(only(t, "a").start()).isEqualTo(at("2025-09-10T08:00:00Z"));
      assertThat(only(t, "b").end()).isEqualTo(at("2029-09-10T08:00:00Z"));
    }
  }

  // ------------------------------------------------------------------------------------ upgrades

  @Nested
  class Upgrading {

    @Test
    void
        anUpgradeStartsNowAndTheStandardRemainderResumesAfterTheAdvancedTermWithItsExactDuration() {
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "std", at("2025-01-01T00:00:00Z"));
      Instant now = at("2025-04-01T06:30:00Z");
      Duration remainder = Duration.between(now, at("2026-01-01T00:00:00Z"));
      PlanTimeline up = advanced(t, ONE_YEAR, "adv", now);

      assertThat(up.terms())
          .containsExactly(
              term(
                  Plan.STANDARD,
                  "2025-01-01T00:00:00Z",
                  "2025-04-01T06:30:00Z",
                  "std",
                  "SMARTCONNECT-STANDARD-1Y"),
              term(
                  Plan.ADVANCED,
                  "2025-04-01T06:30:00Z",
                  "2026-04-01T06:30:00Z",
                  "adv",
                  "SMARTCONNECT-ADVANCED-1Y"),
              new PlanTerm(
                  Plan.STANDARD,
                  at("2026-04-01T06:30:00Z"),
                  at("2026-04-01T06:30:00Z").plus(remainder),
                  TermSource.LICENSE,
                  "std",
                  "SMARTCONNECT-STANDARD-1Y"));
      assertThat(up.planAt(now)).isEqualTo(Plan.ADVANCED);
      assertThat(up.planAt(now.minusNanos(1))).isEqualTo(Plan.STANDARD);
      assertThat(up.planAt(at("2026-04-01T06:30:00Z"))).isEqualTo(Plan.STANDARD);
      assertThat(up.planAt(at("2026-04-01T06:30:00Z").plus(remainder))).isEqualTo(Plan.BASIC);
    }

    @Test
    void anUpgradeNeverShortensThePaidTime() {
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "std", at("2025-01-01T00:00:00Z"));
      Instant now = at("2025-04-01T06:30:00Z");
      PlanTimeline up = advanced(t, ONE_YEAR, "adv", now);
      assertThat(up.remainingAfter(now))
          .isEqualTo(t.remainingAfter(now).plus(only(up, "adv").length()));
    }

    @Test
    void anUpgradeFromBasicStartsNow() {
      PlanTimeline t =
          PlanTimeline.empty()
              .assign(
                  Plan.STANDARD,
                  Period.ofMonths(6),
                  TermSource.TRIAL,
                  "trial",
                  null,
                  at("2024-01-10T00:00:00Z"));
      Instant now = at("2024-09-01T00:00:00Z");
      PlanTimeline up = advanced(t, ONE_YEAR, "adv", now);
      assertThat(only(up, "adv").start()).isEqualTo(now);
      assertThat(up.planAt(now)).isEqualTo(Plan.ADVANCED);
      assertThat(up.planAt(at("2025-09-01T00:00:00Z"))).isEqualTo(Plan.BASIC);
    }

    @Test
    void anUpgradePushesEveryQueuedStandardTermBackKeepingItsLength() {
      // 2023-03-01 + 1Y = 2024-03-01: 366 days (across 2024-02-29). Pushed, it stays 366 days long.
      Instant t0 = at("2023-03-01T00:00:00Z");
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "renewal", t0);
      assertThat(only(t, "renewal").length()).isEqualTo(Duration.ofDays(366));
      PlanTimeline up = advanced(t, ONE_YEAR, "adv", t0);
      PlanTerm pushed = only(up, "renewal");
      assertThat(pushed.start()).isEqualTo(at("2024-03-01T00:00:00Z"));
      assertThat(pushed.length()).isEqualTo(Duration.ofDays(366));
      assertThat(pushed.end()).isEqualTo(at("2025-03-02T00:00:00Z"));
    }

    @Test
    void anUpgradeWithQueuedRenewalsKeepsTheirOrderBehindTheAdvancedTerm() {
      Instant reg = at("2025-01-01T00:00:00Z");
      PlanTimeline t =
          PlanTimeline.empty()
              .assign(Plan.STANDARD, Period.ofMonths(6), TermSource.TRIAL, "trial", null, reg);
      t = standard(t, ONE_YEAR, "renewal", at("2025-02-01T00:00:00Z"));
      Instant now = at("2025-03-01T00:00:00Z");
      PlanTimeline up = advanced(t, ONE_YEAR, "adv", now);
      List<String> order = up.terms().stream().map(PlanTerm::assignmentId).toList();
      assertThat(order).containsExactly("trial", "adv", "trial", "renewal");
      assertThat(up.remainingAfter(now))
          .isEqualTo(t.remainingAfter(now).plus(only(up, "adv").length()));
      assertThat(only(up, "renewal").length()).isEqualTo(only(t, "renewal").length());
    }
  }

  // ------------------------------------------------------------------------------------ lower plan

  @Test
  void aLowerPlanAssignedWhileAHigherOneRunsIsAppendedAfterIt() {
    PlanTimeline t = advanced(PlanTimeline.empty(), ONE_YEAR, "adv", at("2025-01-01T00:00:00Z"));
    Instant now = at("2025-02-01T00:00:00Z");
    t = standard(t, ONE_YEAR, "std", now);
    assertThat(t.terms())
        .containsExactly(
            term(
                Plan.ADVANCED,
                "2025-01-01T00:00:00Z",
                "2026-01-01T00:00:00Z",
                "adv",
                "SMARTCONNECT-ADVANCED-1Y"),
            term(
                Plan.STANDARD,
                "2026-01-01T00:00:00Z",
                "2027-01-01T00:00:00Z",
                "std",
                "SMARTCONNECT-STANDARD-1Y"));
    assertThat(t.planAt(now)).as("the higher plan keeps running").isEqualTo(Plan.ADVANCED);
  }

  // ------------------------------------------------------------------------------------ bulk
  // renewal

  @Test
  void bulkEarlyRenewalGivesEachDeviceItsOwnSequentialDates() {
    Instant now = at("2025-04-01T12:00:00Z");
    PlanTimeline a = standard(PlanTimeline.empty(), ONE_YEAR, "a0", at("2024-05-10T00:00:00Z"));
    PlanTimeline b = standard(PlanTimeline.empty(), ONE_YEAR, "b0", at("2024-09-20T15:45:00Z"));
    PlanTimeline c = PlanTimeline.empty(); // already on Basic
    a = standard(a, ONE_YEAR, "a1", now);
    b = standard(b, ONE_YEAR, "b1", now);
    c = standard(c, ONE_YEAR, "c1", now);
    assertThat(only(a, "a1").start()).isEqualTo(at("2025-05-10T00:00:00Z"));
    assertThat(only(a, "a1").end()).isEqualTo(at("2026-05-10T00:00:00Z"));
    assertThat(only(b, "b1").start()).isEqualTo(at("2025-09-20T15:45:00Z"));
    assertThat(only(b, "b1").end()).isEqualTo(at("2026-09-20T15:45:00Z"));
    assertThat(only(c, "c1").start()).isEqualTo(now);
    assertThat(only(c, "c1").end()).isEqualTo(at("2026-04-01T12:00:00Z"));
  }

  // ------------------------------------------------------------------------------------ calendar
  // lengths

  @Nested
  class CalendarLengths {

    @Test
    void aYearPlacedOnALeapDayEndsOnFebruary28th() {
      PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "a", at("2024-02-29T12:00:00Z"));
      assertThat(only(t, "a").end()).isEqualTo(at("2025-02-28T12:00:00Z"));
    }

    @Test
    void fiveYearsPlacedOnALeapDayEndOnFebruary28th() {
      PlanTimeline t =
          standard(PlanTimeline.empty(), Period.ofYears(5), "a", at("2024-02-29T00:00:00Z"));
      assertThat(only(t, "a").end()).isEqualTo(at("2029-02-28T00:00:00Z"));
    }

    @Test
    void sixMonthsFromAugust31stEndOnFebruary29thOfALeapYear() {
      PlanTimeline t =
          PlanTimeline.empty()
              .assign(
                  Plan.STANDARD,
                  Period.ofMonths(6),
                  TermSource.TRIAL,
                  "trial",
                  null,
                  at("2023-08-31T00:00:00Z"));
      assertThat(only(t, "trial").end()).isEqualTo(at("2024-02-29T00:00:00Z"));
    }

    @Test
    void sixMonthsFromAugust31stEndOnFebruary28thOfACommonYear() {
      PlanTimeline t =
          PlanTimeline.empty()
              .assign(
                  Plan.STANDARD,
                  Period.ofMonths(6),
                  TermSource.TRIAL,
                  "trial",
                  null,
                  at("2024-08-31T23:59:59Z"));
      assertThat(only(t, "trial").end()).isEqualTo(at("2025-02-28T23:59:59Z"));
    }

    @Test
    void aYearAppendedToATermEndingOnALeapDayIsMeasuredFromWhereItIsPlaced() {
      PlanTimeline t =
          PlanTimeline.empty()
              .assign(
                  Plan.STANDARD,
                  Period.ofMonths(6),
                  TermSource.TRIAL,
                  "trial",
                  null,
                  at("2023-08-31T00:00:00Z"));
      t = standard(t, ONE_YEAR, "renewal", at("2023-12-01T00:00:00Z"));
      assertThat(only(t, "renewal").start()).isEqualTo(at("2024-02-29T00:00:00Z"));
      assertThat(only(t, "renewal").end()).isEqualTo(at("2025-02-28T00:00:00Z"));
    }

    @Test
    void aYearAcrossFebruary29thIs366DaysAndAnotherIs365() {
      assertThat(
              only(standard(PlanTimeline.empty(), ONE_YEAR, "a", at("2023-06-01T00:00:00Z")), "a")
                  .length())
          .isEqualTo(Duration.ofDays(366));
      assertThat(
              only(standard(PlanTimeline.empty(), ONE_YEAR, "a", at("2024-06-01T00:00:00Z")), "a")
                  .length())
          .isEqualTo(Duration.ofDays(365));
    }

    @Test
    void aMonthFromJanuary31stEndsOnTheLastDayOfFebruary() {
      PlanTimeline t =
          PlanTimeline.empty()
              .assign(
                  Plan.STANDARD,
                  Period.ofMonths(1),
                  TermSource.PROMOTION,
                  "p",
                  null,
                  at("2024-01-31T08:00:00Z"));
      assertThat(only(t, "p").end()).isEqualTo(at("2024-02-29T08:00:00Z"));
    }

    @Test
    void calendarLengthsAreUtcSoTheResultDoesNotDependOnTheDefaultTimeZone() {
      TimeZone saved = TimeZone.getDefault();
      try {
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "a", at("2024-02-29T23:30:00Z"));
        assertThat(only(t, "a").end()).isEqualTo(at("2025-02-28T23:30:00Z"));
      } finally {
        TimeZone.setDefault(saved);
      }
    }
  }

  // ------------------------------------------------------------------------------------
  // idempotency

  @Test
  void theSameAssignmentIdTwiceChangesNothing() {
    Instant now = at("2025-01-15T10:00:00Z");
    PlanTimeline once = standard(PlanTimeline.empty(), ONE_YEAR, "a", now);
    PlanTimeline again = standard(once, ONE_YEAR, "a", now);
    assertThat(again).isSameAs(once);
    // Even a different plan or a later instant under the same id is the same assignment.
    assertThat(advanced(once, THREE_YEARS, "a", now.plus(Duration.ofDays(30)))).isEqualTo(once);
    assertThat(once.contains("a")).isTrue();
    assertThat(once.contains("b")).isFalse();
  }

  @Test
  void anAssignmentSplitByAnUpgradeIsStillRecognised() {
    PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "std", at("2025-01-01T00:00:00Z"));
    t = advanced(t, ONE_YEAR, "adv", at("2025-06-01T00:00:00Z"));
    assertThat(standard(t, ONE_YEAR, "std", at("2025-07-01T00:00:00Z"))).isEqualTo(t);
  }

  // ------------------------------------------------------------------------------------ boundaries

  @Nested
  class Boundaries {
    private final Instant start = at("2025-01-01T00:00:00Z");
    private final Instant end = at("2026-01-01T00:00:00Z");
    private final PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "a", start);

    @Test
    void aTermCoversItsStartInstant() {
      assertThat(t.planAt(start)).isEqualTo(Plan.STANDARD);
      assertThat(t.termAt(start)).isPresent();
    }

    @Test
    void theInstantBeforeTheStartIsBasic() {
      assertThat(t.planAt(start.minusNanos(1))).isEqualTo(Plan.BASIC);
      assertThat(t.termAt(start.minusNanos(1))).isEmpty();
    }

    @Test
    void aTermCoversTheLastNanosecondBeforeItsEnd() {
      assertThat(t.planAt(end.minusNanos(1))).isEqualTo(Plan.STANDARD);
    }

    @Test
    void aTermDoesNotCoverItsEndInstant() {
      assertThat(t.planAt(end)).isEqualTo(Plan.BASIC);
      assertThat(t.termAt(end)).isEmpty();
      assertThat(t.coveredUntil(end)).isEmpty();
    }

    @Test
    void atTheBoundaryBetweenTwoTermsTheLaterOneRuns() {
      PlanTimeline up = advanced(t, ONE_YEAR, "adv", start);
      Instant advEnd = at("2026-01-01T00:00:00Z");
      assertThat(up.planAt(advEnd.minusNanos(1))).isEqualTo(Plan.ADVANCED);
      assertThat(up.planAt(advEnd)).isEqualTo(Plan.STANDARD);
      assertThat(up.termAt(advEnd).orElseThrow().assignmentId()).isEqualTo("a");
    }

    @Test
    void anAssignmentExactlyAtTheEndOfATermIsPlacedThereLikeOnABasicDevice() {
      PlanTimeline next = standard(t, ONE_YEAR, "b", end);
      assertThat(only(next, "b").start()).isEqualTo(end);
      assertThat(only(next, "a").end()).isEqualTo(end);
    }

    @Test
    void anUpgradeExactlyAtTheStartOfAQueuedTermPushesAllOfIt() {
      PlanTimeline queued = standard(t, ONE_YEAR, "b", start); // b: 2026..2027
      PlanTimeline up = advanced(queued, ONE_YEAR, "adv", end);
      assertThat(only(up, "a").end()).isEqualTo(end);
      assertThat(only(up, "adv").start()).isEqualTo(end);
      assertThat(only(up, "b").start()).isEqualTo(only(up, "adv").end());
      assertThat(only(up, "b").length()).isEqualTo(only(queued, "b").length());
    }
  }

  // ------------------------------------------------------------------------------------ changes
  // and coverage

  @Test
  void changesAfterListsOnlyInstantsWhereThePlanDiffers() {
    PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "std", at("2025-01-01T00:00:00Z"));
    t = standard(t, ONE_YEAR, "std2", at("2025-01-01T00:00:00Z"));
    t = advanced(t, ONE_YEAR, "adv", at("2025-03-01T00:00:00Z"));
    assertThat(t.changesAfter(at("2025-01-01T00:00:00Z")))
        .containsExactly(
            at("2025-03-01T00:00:00Z"), at("2026-03-01T00:00:00Z"), at("2028-01-01T00:00:00Z"));
    assertThat(t.changesAfter(at("2025-03-01T00:00:00Z")))
        .as("strictly after")
        .containsExactly(at("2026-03-01T00:00:00Z"), at("2028-01-01T00:00:00Z"));
  }

  @Test
  void coveredUntilFollowsTheRunOfBackToBackTermsWhateverTheirPlans() {
    PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "std", at("2025-01-01T00:00:00Z"));
    t = advanced(t, ONE_YEAR, "adv", at("2025-03-01T00:00:00Z"));
    assertThat(t.coveredUntil(at("2025-03-01T00:00:00Z"))).contains(at("2027-01-01T00:00:00Z"));
    assertThat(t.coveredUntil(at("2027-01-01T00:00:00Z"))).isEmpty();
  }

  // ------------------------------------------------------------------------------------ validation

  @Test
  void basicCannotBeAssigned() {
    assertThatThrownBy(
            () ->
                PlanTimeline.empty()
                    .assign(
                        Plan.BASIC,
                        ONE_YEAR,
                        TermSource.LICENSE,
                        "a",
                        null,
                        at("2025-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aZeroOrNegativePeriodIsRefused() {
    assertThatThrownBy(
            () ->
                PlanTimeline.empty()
                    .assign(
                        Plan.STANDARD,
                        Period.ZERO,
                        TermSource.LICENSE,
                        "a",
                        null,
                        at("2025-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                PlanTimeline.empty()
                    .assign(
                        Plan.STANDARD,
                        Period.ofYears(-1),
                        TermSource.LICENSE,
                        "a",
                        null,
                        at("2025-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overlappingTermsAreNotATimeline() {
    assertThatThrownBy(
            () ->
                new PlanTimeline(
                    List.of(
                        term(
                            Plan.STANDARD,
                            "2025-01-01T00:00:00Z",
                            "2026-01-01T00:00:00Z",
                            "a",
                            null),
                        term(
                            Plan.ADVANCED,
                            "2025-12-31T23:59:59Z",
                            "2026-12-31T00:00:00Z",
                            "b",
                            null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
  }

  @Test
  void aTermMustEndAfterItStartsAndCannotBeBasic() {
    assertThatThrownBy(
            () -> term(Plan.STANDARD, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "a", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> term(Plan.BASIC, "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "a", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theTimelineIsImmutable() {
    PlanTimeline t = standard(PlanTimeline.empty(), ONE_YEAR, "a", at("2025-01-01T00:00:00Z"));
    assertThatThrownBy(() -> t.terms().clear()).isInstanceOf(UnsupportedOperationException.class);
    standard(t, ONE_YEAR, "b", at("2025-01-01T00:00:00Z"));
    assertThat(t.terms()).hasSize(1);
  }
}
