package io.upsfleet.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upsfleet.load.result.Ladder;
import io.upsfleet.load.result.Percentiles;
import io.upsfleet.load.result.RunResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ladder's rules: each step's interval, when a step is within the target (latency, rate sent,
 * rate acknowledged) and what the reason names, and the knee.
 */
class LadderStepsTest {
  private static final Duration INTERVAL = Duration.ofMillis(500);

  /** A measured 10-s window: messages sent and acknowledged, PUBACK p99, CPU shares. */
  private static RunResult run(
      long sent, long acked, double p99, Double simulator, Double target, Double postgres) {
    return new RunResult(
        "gateway",
        1,
        1000,
        1000,
        1,
        null,
        null,
        null,
        sent,
        sent / 10.0,
        acked,
        new Percentiles(acked, 1, p99, p99 * 2, p99 * 3),
        null,
        null,
        null,
        simulator,
        target,
        postgres,
        0,
        0,
        0,
        List.of(),
        List.of(),
        null,
        null,
        null,
        null);
  }

  private static Ladder.Step judge(RunResult r, double offered) {
    return LadderSteps.judge(1, "gateway", offered, INTERVAL, r, 10, true, 20, 0.95, 2);
  }

  @Test
  void theIntervalOffersTheRateWithTheFleet() {
    assertThat(LadderSteps.interval(2000, 4000)).isEqualTo(Duration.ofMillis(500));
    assertThat(LadderSteps.interval(500, 3000)).isEqualTo(Duration.ofNanos(166_666_667));
  }

  @Test
  void ratesMustRiseAndKeepTheIntervalAtTenMillisecondsOrMore() {
    assertThat(LadderSteps.checkRates(List.of(500.0, 1000.0), 100)).containsExactly(500.0, 1000.0);
    assertThatThrownBy(() -> LadderSteps.checkRates(List.of(1000.0, 500.0), 100))
        .hasMessageContaining("rising");
    assertThatThrownBy(() -> LadderSteps.checkRates(List.of(0.0), 100))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> LadderSteps.checkRates(List.of(20_000.0), 100))
        .hasMessageContaining("below 10 ms");
    assertThatThrownBy(() -> LadderSteps.checkRates(List.of(), 100)).hasMessageContaining("1..30");
  }

  @Test
  void aStepWithinTheLatencyLimitAndTheRateIsWithinTheTarget() {
    Ladder.Step s = judge(run(10_000, 10_000, 20.0, 0.5, 0.4, 0.1), 1000);
    assertThat(s.within()).isTrue();
    assertThat(s.reason()).isNull();
    assertThat(s.ackedPerSecond()).isEqualTo(1000.0);
    assertThat(s.interval()).isEqualTo("PT0.5S");
  }

  @Test
  void aP99AboveTheLimitEndsTheLadderAndTheReasonNamesTheBusiestProcess() {
    Ladder.Step s = judge(run(10_000, 10_000, 26.5, 0.3, 0.32, 0.61), 1000);
    assertThat(s.within()).isFalse();
    assertThat(s.reason())
        .startsWith("PUBACK p99 26.5 ms > 20 ms")
        .contains("simulator 0.30, gateway 0.32, PostgreSQL 0.61 of 2")
        .contains("busiest: PostgreSQL, no process saturated");
  }

  @Test
  void anOfferedRateNotSentMeansTheSimulatorFellBehind() {
    Ladder.Step s = judge(run(9_000, 9_000, 5, 1.2, 0.6, 0.1), 1000);
    assertThat(s.within()).isFalse();
    assertThat(s.reason())
        .startsWith("the simulator fell behind: sent 900 of 1000 msg/s offered")
        .endsWith("busiest: simulator, the 2 cores saturated");
  }

  @Test
  void aRateSentButNotAcknowledgedMeansTheTargetFellBehind() {
    Ladder.Step s = judge(run(10_000, 8_000, 5, 0.3, 0.95, null), 1000);
    assertThat(s.within()).isFalse();
    assertThat(s.reason())
        .startsWith("gateway fell behind: acknowledged 800 of 1000 msg/s offered")
        .endsWith("busiest: gateway, gateway near a whole core");
  }

  @Test
  void withoutCpuFiguresTheReasonSaysSo() {
    assertThat(judge(run(10_000, 10_000, 50, null, null, null), 1000).reason())
        .endsWith("CPU not measured");
  }

  @Test
  void theKneeIsTheHighestStepWithinTheTargetBeforeTheFirstThatWasNot() {
    List<Ladder.Step> steps =
        List.of(
            step(1, "gateway", 500, true),
            step(1, "mosquitto", 500, true),
            step(2, "gateway", 1000, true),
            step(2, "mosquitto", 1000, true),
            step(3, "gateway", 2000, false),
            step(3, "mosquitto", 2000, true),
            step(4, "gateway", 4000, true),
            step(4, "mosquitto", 4000, false));
    Ladder.Knee gateway = LadderSteps.knee("gateway", steps);
    assertThat(gateway.kneePerSecond()).isEqualTo(1000.0);
    assertThat(gateway.stoppedBy()).isEqualTo("step 3 (2000 msg/s): why");
    assertThat(LadderSteps.knee("mosquitto", steps).kneePerSecond()).isEqualTo(2000.0);
    assertThat(LadderSteps.stopped("gateway", steps.subList(0, 4))).isFalse();
    assertThat(LadderSteps.stopped("gateway", steps)).isTrue();
  }

  @Test
  void aTargetWithinAtEveryStepHasTheLastAsKneeAndOneFailingAtOnceHasNone() {
    List<Ladder.Step> steps =
        List.of(step(1, "gateway", 500, true), step(2, "gateway", 1000, true));
    assertThat(LadderSteps.knee("gateway", steps))
        .isEqualTo(new Ladder.Knee("gateway", 1000.0, null));
    Ladder.Knee none =
        LadderSteps.knee(
            "mosquitto",
            List.of(LadderSteps.failed(1, "mosquitto", 500, INTERVAL, "no device could connect")));
    assertThat(none.kneePerSecond()).isNull();
    assertThat(none.stoppedBy())
        .isEqualTo("step 1 (500 msg/s): could not run: no device could connect");
  }

  @Test
  void aStepOverTheLimitIsMeasuredAgainAndOnePassEndsNothing() {
    List<Ladder.Step> steps = new java.util.ArrayList<>();
    steps.add(step(1, "gateway", 500, true));
    assertThat(LadderSteps.retry("gateway", steps)).isFalse();
    steps.add(step(2, "gateway", 1000, false));
    assertThat(LadderSteps.retry("gateway", steps)).as("first failure: measure again").isTrue();
    assertThat(LadderSteps.stopped("gateway", steps)).isFalse();
    steps.add(step(2, "gateway", 1000, true));
    assertThat(LadderSteps.retry("gateway", steps)).isFalse();
    assertThat(LadderSteps.stopped("gateway", steps)).isFalse();
    assertThat(LadderSteps.knee("gateway", steps))
        .isEqualTo(new Ladder.Knee("gateway", 1000.0, null));
  }

  @Test
  void aStepOverTheLimitTwiceEndsTheLadderAndTheKneeSaysBothTimes() {
    List<Ladder.Step> steps =
        List.of(
            step(1, "mosquitto", 500, true),
            new Ladder.Step(2, "mosquitto", 1000, "PT1S", 1000, false, "first why"),
            new Ladder.Step(2, "mosquitto", 1000, "PT1S", 1000, false, "second why"));
    assertThat(LadderSteps.retry("mosquitto", steps)).isFalse();
    assertThat(LadderSteps.stopped("mosquitto", steps)).isTrue();
    assertThat(LadderSteps.knee("mosquitto", steps))
        .isEqualTo(
            new Ladder.Knee(
                "mosquitto",
                500.0,
                "step 2 (1000 msg/s): second why (measured twice; the first time: first why)"));
    assertThat(LadderSteps.retry("gateway", steps)).as("another target's steps").isFalse();
  }

  private static Ladder.Step step(int n, String target, double offered, boolean within) {
    return new Ladder.Step(n, target, offered, "PT1S", offered, within, within ? null : "why");
  }
}
