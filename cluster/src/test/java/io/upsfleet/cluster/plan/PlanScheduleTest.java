package io.upsfleet.cluster.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plan changes at term boundaries and expiry reminders 90, 30, 7 and 0 days before every drop to a
 * lower plan (DOMAIN.md §3 and §5), as pure functions of a timeline and a window {@code (after,
 * until]}.
 */
class PlanScheduleTest {

  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant END = Instant.parse("2026-01-01T00:00:00Z");
  private static final PlanTimeline ONE_STANDARD_YEAR =
      PlanTimeline.empty()
          .assign(Plan.STANDARD, Period.ofYears(1), TermSource.LICENSE, "a", "S", START);

  private static Instant daysBefore(Instant i, int days) {
    return i.minus(Duration.ofDays(days));
  }

  @Test
  void theReminderDaysAre90_30_7And0() {
    assertThat(PlanSchedule.REMINDER_DAYS).containsExactly(90, 30, 7, 0);
  }

  // ----------------------------------------------------------------------------------------
  // changes

  @Test
  void theEndOfTheLastTermIsAChangeToBasic() {
    assertThat(PlanSchedule.changes(ONE_STANDARD_YEAR, START, END))
        .containsExactly(new PlanSchedule.Change(END, Plan.STANDARD, Plan.BASIC));
  }

  @Test
  void changesAreInTheHalfOpenWindowAfterUntil() {
    assertThat(PlanSchedule.changes(ONE_STANDARD_YEAR, START, END.minusNanos(1))).isEmpty();
    assertThat(PlanSchedule.changes(ONE_STANDARD_YEAR, END, END.plusSeconds(1)))
        .as("after is exclusive")
        .isEmpty();
    assertThat(PlanSchedule.changes(ONE_STANDARD_YEAR, END.minusNanos(1), END)).hasSize(1);
  }

  @Test
  void anUpgradeAndTheResumedRemainderAreChangesInOrder() {
    Instant now = Instant.parse("2025-04-01T00:00:00Z");
    PlanTimeline t =
        ONE_STANDARD_YEAR.assign(
            Plan.ADVANCED, Period.ofYears(1), TermSource.LICENSE, "b", "A", now);
    Instant advEnd = Instant.parse("2026-04-01T00:00:00Z");
    Instant stdEnd = advEnd.plus(Duration.between(now, END));
    assertThat(PlanSchedule.changes(t, START, stdEnd.plusSeconds(1)))
        .containsExactly(
            new PlanSchedule.Change(now, Plan.STANDARD, Plan.ADVANCED),
            new PlanSchedule.Change(advEnd, Plan.ADVANCED, Plan.STANDARD),
            new PlanSchedule.Change(stdEnd, Plan.STANDARD, Plan.BASIC));
  }

  @Test
  void theBoundaryBetweenTwoAppendedSamePlanTermsIsNoChange() {
    PlanTimeline t =
        ONE_STANDARD_YEAR.assign(
            Plan.STANDARD, Period.ofYears(1), TermSource.LICENSE, "b", "S", START);
    assertThat(PlanSchedule.changes(t, START, Instant.parse("2030-01-01T00:00:00Z")))
        .containsExactly(
            new PlanSchedule.Change(
                Instant.parse("2027-01-01T00:00:00Z"), Plan.STANDARD, Plan.BASIC));
  }

  // ----------------------------------------------------------------------------------------
  // reminders

  @Test
  void eachReminderFallsDueItsNumberOfDaysBeforeTheDrop() {
    Instant after = START;
    for (int days : List.of(90, 30, 7, 0)) {
      Instant due = daysBefore(END, days);
      assertThat(PlanSchedule.reminders(ONE_STANDARD_YEAR, after, due.minusNanos(1)))
          .as("before %d days", days)
          .isEmpty();
      assertThat(PlanSchedule.reminders(ONE_STANDARD_YEAR, after, due))
          .containsExactly(new PlanSchedule.Reminder(due, END, days, Plan.STANDARD));
      after = due;
    }
    assertThat(PlanSchedule.reminders(ONE_STANDARD_YEAR, after, END.plus(Duration.ofDays(365))))
        .isEmpty();
  }

  @Test
  void aDeviceThatSleptPastSeveralRemindersGetsOnlyTheLatest() {
    Instant woke = daysBefore(END, 6);
    assertThat(PlanSchedule.reminders(ONE_STANDARD_YEAR, START, woke))
        .containsExactly(new PlanSchedule.Reminder(daysBefore(END, 7), END, 7, Plan.STANDARD));
  }

  @Test
  void aDeviceWakingWithinADayOfTheDropStillGetsTheZeroDayReminder() {
    assertThat(PlanSchedule.reminders(ONE_STANDARD_YEAR, START, END.plus(Duration.ofHours(12))))
        .containsExactly(new PlanSchedule.Reminder(END, END, 0, Plan.STANDARD));
  }

  @Test
  void noReminderForADropLongPast() {
    assertThat(PlanSchedule.reminders(ONE_STANDARD_YEAR, START, END.plus(Duration.ofDays(3))))
        .isEmpty();
  }

  @Test
  void aDropFromAdvancedToStandardIsRemindedWithThePlanThatEnds() {
    Instant now = Instant.parse("2025-04-01T00:00:00Z");
    PlanTimeline t =
        ONE_STANDARD_YEAR.assign(
            Plan.ADVANCED, Period.ofYears(1), TermSource.LICENSE, "b", "A", now);
    Instant advEnd = Instant.parse("2026-04-01T00:00:00Z");
    assertThat(PlanSchedule.reminders(t, now, daysBefore(advEnd, 30)))
        .containsExactly(
            new PlanSchedule.Reminder(daysBefore(advEnd, 30), advEnd, 30, Plan.ADVANCED));
  }

  @Test
  void anUpgradeIsNoDropAndGetsNoReminder() {
    PlanTimeline t =
        PlanTimeline.empty()
            .assign(Plan.ADVANCED, Period.ofYears(1), TermSource.LICENSE, "adv", "A", START)
            .assign(Plan.STANDARD, Period.ofYears(1), TermSource.LICENSE, "std", "S", START);
    // Only two drops: Advanced → Standard at END, Standard → Basic a year later. Nothing before
    // that.
    assertThat(PlanSchedule.drops(t, START))
        .containsExactly(END, Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(PlanSchedule.reminders(t, START, daysBefore(END, 91))).isEmpty();
  }

  @Test
  void aRenewalAppendedBeforeTheDropCancelsItsRemaining() {
    Instant renewedAt = daysBefore(END, 20); // after the 30-day reminder
    PlanTimeline renewed =
        ONE_STANDARD_YEAR.assign(
            Plan.STANDARD, Period.ofYears(1), TermSource.LICENSE, "b", "S", renewedAt);
    assertThat(PlanSchedule.reminders(renewed, renewedAt, END.plus(Duration.ofDays(1)))).isEmpty();
    assertThat(PlanSchedule.changes(renewed, renewedAt, END.plus(Duration.ofDays(1)))).isEmpty();
  }

  @Test
  void aShortTermGetsOnlyTheRemindersThatFallAfterItStarts() {
    PlanTimeline t =
        PlanTimeline.empty()
            .assign(Plan.STANDARD, Period.ofDays(20), TermSource.PROMOTION, "p", null, START);
    Instant end = START.plus(Duration.ofDays(20));
    assertThat(PlanSchedule.reminders(t, START, end).stream().map(PlanSchedule.Reminder::days))
        .containsExactly(0);
    assertThat(
            PlanSchedule.reminders(t, START, daysBefore(end, 7)).stream()
                .map(PlanSchedule.Reminder::days))
        .containsExactly(7);
  }

  // ---------------------------------------------------------------------------------------- next
  // deadline

  @Test
  void theNextDeadlineWalksThroughTheRemindersToTheDropAndThenNothing() {
    Instant after = START;
    for (int days : List.of(90, 30, 7, 0)) {
      Instant due = daysBefore(END, days);
      assertThat(PlanSchedule.nextDeadline(ONE_STANDARD_YEAR, after)).contains(due);
      after = due;
    }
    assertThat(PlanSchedule.nextDeadline(ONE_STANDARD_YEAR, END)).isEmpty();
  }

  @Test
  void theNextDeadlineOfAnUpgradeIsItsFirstReminderNotTheResumedStandardEnd() {
    Instant now = Instant.parse("2025-04-01T00:00:00Z");
    PlanTimeline t =
        ONE_STANDARD_YEAR.assign(
            Plan.ADVANCED, Period.ofYears(1), TermSource.LICENSE, "b", "A", now);
    assertThat(PlanSchedule.nextDeadline(t, now))
        .contains(daysBefore(Instant.parse("2026-04-01T00:00:00Z"), 90));
  }

  @Test
  void anEmptyTimelineHasNoDeadline() {
    assertThat(PlanSchedule.nextDeadline(PlanTimeline.empty(), START)).isEmpty();
    assertThat(PlanSchedule.reminders(PlanTimeline.empty(), START, END)).isEmpty();
    assertThat(PlanSchedule.changes(PlanTimeline.empty(), START, END)).isEmpty();
  }
}
