package io.upsfleet.load;

import static io.upsfleet.load.Main.round1;

import io.upsfleet.load.result.Ladder;
import io.upsfleet.load.result.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ladder's rules, apart from the measuring: the interval of each step, whether a step is within
 * the target, which process was busiest, and the knee.
 */
final class LadderSteps {
  static final int MAX_STEPS = 30;

  private LadderSteps() {}

  /**
   * The offered rates, checked: 1 to {@value #MAX_STEPS} rising rates, each giving {@code devices}
   * an interval of at least 10 ms.
   */
  static List<Double> checkRates(List<Double> rates, int devices) {
    if (rates == null || rates.isEmpty() || rates.size() > MAX_STEPS)
      throw new IllegalArgumentException("--rates must list 1.." + MAX_STEPS + " rates");
    double last = 0;
    for (double r : rates) {
      if (!(r > last))
        throw new IllegalArgumentException(
            "--rates must be positive and rising, not " + plain(r) + " after " + plain(last));
      if (interval(devices, r).toMillis() < 10)
        throw new IllegalArgumentException(
            "--rates: "
                + plain(r)
                + " msg/s would give each of "
                + devices
                + " devices an interval below 10 ms; use more devices");
      last = r;
    }
    return List.copyOf(rates);
  }

  /** Each device's telemetry interval for {@code devices} to offer {@code rate} messages/s. */
  static Duration interval(int devices, double rate) {
    return Duration.ofNanos(Math.round(devices * 1e9 / rate));
  }

  /**
   * Whether a measured step is within the target: at least {@code achievedShare} of the offered
   * rate sent (else the simulator fell behind) and acknowledged (else the target did; QoS 1), and
   * PUBACK p99 at most {@code limitMs}. The reason names the busiest process by CPU share.
   *
   * @param seconds the measured window
   * @param qos1 whether acknowledgements count
   */
  static Ladder.Step judge(
      int step,
      String target,
      double offered,
      Duration interval,
      RunResult r,
      double seconds,
      boolean qos1,
      double limitMs,
      double achievedShare,
      int cores) {
    double sent = r.messages() / seconds;
    double acked = qos1 ? r.acknowledged() / seconds : sent;
    String reason = null;
    if (sent < achievedShare * offered)
      reason =
          String.format(
              Locale.ROOT,
              "the simulator fell behind: sent %s of %s msg/s offered",
              plain(round1(sent)),
              plain(offered));
    else if (acked < achievedShare * offered)
      reason =
          String.format(
              Locale.ROOT,
              "%s fell behind: acknowledged %s of %s msg/s offered",
              target,
              plain(round1(acked)),
              plain(offered));
    else if (r.pubAckMs() == null || r.pubAckMs().count() == 0) reason = "no PUBACK measured";
    else if (r.pubAckMs().p99() > limitMs)
      reason =
          String.format(
              Locale.ROOT, "PUBACK p99 %s ms > %s ms", plain(r.pubAckMs().p99()), plain(limitMs));
    if (reason != null) reason = reason + "; " + cpu(r, target, cores);
    return new Ladder.Step(
        step, target, offered, interval.toString(), round1(acked), reason == null, reason);
  }

  /** A step that could not run at all. */
  static Ladder.Step failed(
      int step, String target, double offered, Duration interval, String why) {
    return new Ladder.Step(
        step, target, offered, interval.toString(), 0, false, "could not run: " + why);
  }

  /**
   * The CPU shares of the window and the busiest process, e.g. {@code CPU cores used: simulator
   * 1.02, gateway 0.71, PostgreSQL 0.18 of 2; busiest: simulator, the cores saturated}; a process
   * counts as saturated at 90 % of one core when it is the busiest, the cores at 90 % of all.
   */
  static String cpu(RunResult r, String target, int cores) {
    List<String> parts = new ArrayList<>();
    String busiest = null;
    double most = -1;
    double total = 0;
    String[] names = {"simulator", target, "PostgreSQL"};
    Double[] shares = {r.simulatorCpuShare(), r.targetCpuShare(), r.postgresCpuShare()};
    for (int i = 0; i < names.length; i++) {
      if (shares[i] == null) continue;
      parts.add(names[i] + " " + String.format(Locale.ROOT, "%.2f", shares[i]));
      total += shares[i];
      if (shares[i] > most) {
        most = shares[i];
        busiest = names[i];
      }
    }
    if (busiest == null) return "CPU not measured";
    String verdict;
    if (total >= 0.9 * cores) verdict = ", the " + cores + " cores saturated";
    else if (most >= 0.9) verdict = ", " + busiest + " near a whole core";
    else verdict = ", no process saturated";
    return "CPU cores used: "
        + String.join(", ", parts)
        + " of "
        + cores
        + "; busiest: "
        + busiest
        + verdict;
  }

  /**
   * A target's knee: the highest offered rate within the target below its first step whose every
   * attempt was not (null when the first step was not). A step that failed once and then passed
   * counts as within: one spike (a collection, a neighbour's burst) does not end a ladder, and both
   * attempts stay in the report.
   */
  static Ladder.Knee knee(String target, List<Ladder.Step> steps) {
    Double knee = null;
    List<Ladder.Step> attempts = new ArrayList<>();
    for (Ladder.Step s : ofTarget(target, steps)) {
      if (!attempts.isEmpty() && attempts.get(0).step() != s.step()) {
        if (attempts.stream().noneMatch(Ladder.Step::within)) break;
        knee = higher(knee, attempts.get(0).offeredPerSecond());
        attempts.clear();
      }
      attempts.add(s);
    }
    if (attempts.isEmpty()) return new Ladder.Knee(target, knee, null);
    Ladder.Step last = attempts.get(attempts.size() - 1);
    if (attempts.stream().anyMatch(Ladder.Step::within))
      return new Ladder.Knee(target, higher(knee, last.offeredPerSecond()), null);
    String why =
        "step " + last.step() + " (" + plain(last.offeredPerSecond()) + " msg/s): " + last.reason();
    if (attempts.size() > 1)
      why += " (measured twice; the first time: " + attempts.get(0).reason() + ")";
    return new Ladder.Knee(target, knee, why);
  }

  /**
   * Whether {@code target}'s latest step was not within the target at its first attempt: the ladder
   * measures it once more before it stops.
   */
  static boolean retry(String target, List<Ladder.Step> steps) {
    List<Ladder.Step> own = ofTarget(target, steps);
    if (own.isEmpty()) return false;
    Ladder.Step last = own.get(own.size() - 1);
    long attempts = own.stream().filter(s -> s.step() == last.step()).count();
    return !last.within() && attempts == 1;
  }

  /**
   * Whether {@code target}'s ladder has ended: a step of it was not within the target twice (or
   * once, in a report from before steps were measured again).
   */
  static boolean stopped(String target, List<Ladder.Step> steps) {
    return !retry(target, steps) && knee(target, steps).stoppedBy() != null;
  }

  private static List<Ladder.Step> ofTarget(String target, List<Ladder.Step> steps) {
    return steps.stream().filter(s -> s.target().equals(target)).toList();
  }

  private static Double higher(Double knee, double rate) {
    return knee == null ? rate : Math.max(knee, rate);
  }

  private static String plain(double v) {
    return MarkdownTable.plain(v);
  }
}
