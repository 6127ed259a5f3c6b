package io.upsfleet.load;

import static io.upsfleet.load.Main.round1;

import io.upsfleet.load.result.RunResult;
import java.time.Duration;

/**
 * S5: kills a gateway node with SIGKILL at a point of the measured window and follows the fleet
 * until every device is connected (attached to its entity on a surviving node) again.
 */
final class Failover {
  private final long pid;
  private final long killAtSecond;
  private long killedAtNanos = -1;
  private int onlineAfterKillLow = Integer.MAX_VALUE;
  private double servedAgainSeconds = -1;

  Failover(long pid, Duration after) {
    this.pid = pid;
    this.killAtSecond = Math.max(1, after.toSeconds());
  }

  void observe(int second, long online, int devices) {
    if (killedAtNanos < 0 && second >= killAtSecond) {
      ProcessHandle.of(pid)
          .ifPresentOrElse(
              ProcessHandle::destroyForcibly,
              () -> {
                throw new IllegalStateException("no process " + pid + " to kill");
              });
      killedAtNanos = System.nanoTime();
      System.out.printf(
          "%n  [gateway] S5: killed process %d (SIGKILL) at second %d%n", pid, second);
      return;
    }
    if (killedAtNanos < 0) return;
    onlineAfterKillLow = (int) Math.min(onlineAfterKillLow, online);
    if (servedAgainSeconds < 0 && onlineAfterKillLow < devices && online >= devices) {
      servedAgainSeconds = round1((System.nanoTime() - killedAtNanos) / 1e9);
    }
  }

  RunResult.Failover result() {
    return new RunResult.Failover(
        pid,
        killAtSecond,
        onlineAfterKillLow == Integer.MAX_VALUE ? null : onlineAfterKillLow,
        servedAgainSeconds < 0 ? null : servedAgainSeconds);
  }
}
