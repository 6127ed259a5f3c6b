package io.upsfleet.cluster.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One actor timer per persisted deadline of a device (offline grace, plan changes, operation
 * deadlines), re-armed from the state after every change and on recovery: timers die with
 * passivation, the deadlines do not.
 */
final class DeadlineTimers {
  private static final Object OFFLINE = "offline";
  private static final Object PLAN = "plan";
  private static final Object OPERATIONS = "operations";
  private static final Object IDLE = "idle";
  private static final Duration PLAN_RECHECK = Duration.ofDays(1);

  private final TimerScheduler<UpsDevice.Command> timers;
  private final Clock clock;

  DeadlineTimers(TimerScheduler<UpsDevice.Command> timers, Clock clock) {
    this.timers = timers;
    this.clock = clock;
  }

  void arm(UpsDevice.State state) {
    if (!(state instanceof RegisteredDevice s)) return;
    Instant now = clock.instant();
    arm(OFFLINE, s.session().graceRunning() ? s.session().offlineDeadline() : null, now);
    arm(OPERATIONS, s.operations().nextDeadline(), now);
    // Long waits are re-checked daily: the scheduler's horizon is finite and clocks may be
    // adjusted.
    Instant recheck = now.plus(PLAN_RECHECK);
    arm(
        PLAN,
        PlanClock.nextDeadline(s).map(d -> d.isBefore(recheck) ? d : recheck).orElse(null),
        now);
  }

  /** Checks every half {@code idlePassivation} (at least every second) whether to passivate. */
  void checkIdleEvery(Duration idlePassivation) {
    Duration half = idlePassivation.dividedBy(2);
    Duration every = half.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : half;
    timers.startTimerWithFixedDelay(IDLE, new UpsDevice.IdleCheck(), every);
  }

  private void arm(Object key, Instant at, Instant now) {
    if (at == null) {
      timers.cancel(key);
      return;
    }
    Duration wait = Duration.between(now, at);
    timers.startSingleTimer(
        key, new UpsDevice.CheckDeadlines(), wait.isNegative() ? Duration.ZERO : wait);
  }
}
