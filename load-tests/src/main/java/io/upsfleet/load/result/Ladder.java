package io.upsfleet.load.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * S2's ladder: a fixed fleet whose telemetry interval shrinks step by step, each step a measured
 * run of the report ({@code runs}, {@code round} = the step), until PUBACK p99 passes the limit or
 * the offered rate is not achieved.
 *
 * @param devices the fleet (the same devices at every step; each step connects them afresh)
 * @param qos telemetry QoS
 * @param latencyLimitMs a step is within the target while PUBACK p99 is at most this
 * @param achievedShare ... and while at least this share of the offered rate was sent and
 *     acknowledged
 * @param warmup each step's warm-up (ISO-8601)
 * @param duration each step's measured window (ISO-8601)
 * @param steps every step that ran, per target, in the order they ran
 * @param knees per target, the highest step within the target and why the ladder stopped
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ladder(
    int devices,
    int qos,
    double latencyLimitMs,
    double achievedShare,
    String warmup,
    String duration,
    List<Step> steps,
    List<Knee> knees) {

  /**
   * One step against one target.
   *
   * @param step 1-based; the run of {@code runs} with this target and {@code round}
   * @param offeredPerSecond devices ÷ interval
   * @param interval each device's telemetry interval (ISO-8601)
   * @param ackedPerSecond telemetry acknowledged per second in the measured window
   * @param within within the target (latency and rate)
   * @param reason why not, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(
      int step,
      String target,
      double offeredPerSecond,
      String interval,
      double ackedPerSecond,
      boolean within,
      String reason) {}

  /**
   * Where a target's ladder ended.
   *
   * @param kneePerSecond the highest offered rate within the target below the first step that was
   *     not, or null (not even the first step)
   * @param stoppedBy the first step not within the target and why, or null (every step was)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Knee(String target, Double kneePerSecond, String stoppedBy) {}
}
