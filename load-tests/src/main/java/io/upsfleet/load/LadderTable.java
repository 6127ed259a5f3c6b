package io.upsfleet.load;

import static io.upsfleet.load.MarkdownTable.fmt;

import io.upsfleet.load.result.Ladder;
import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report --markdown} of a ladder (S2) report: a row per step and target, then each target's
 * knee.
 */
final class LadderTable {
  static final String HEADER =
      "| target | step | offered (msg/s) | sent / acknowledged (msg/s) | PUBACK p50 / **p99** / p99.9 (ms) "
          + "| CPU per message (µs): target (+ PostgreSQL) | simulator (µs/msg) | within the target |\n"
          + "|---|---|---|---|---|---|---|---|\n";

  private LadderTable() {}

  /** The caption, the steps and the knees of one ladder report. */
  static String render(Path file, ReportDocument doc) {
    Ladder l = doc.ladder();
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "S2 ladder: %s devices, QoS %d, within the target while PUBACK p99 ≤ %s ms and ≥ %s %% of "
                + "the offered rate is sent and acknowledged; each step %s s warm-up, %s s measured — %s, "
                + "commit %s%n%n",
            fmt(l.devices()),
            l.qos(),
            MarkdownTable.plain(l.latencyLimitMs()),
            MarkdownTable.plain(l.achievedShare() * 100),
            seconds(l.warmup()),
            seconds(l.duration()),
            MarkdownTable.link(file),
            MarkdownTable.commit(doc)));
    out.append(HEADER);
    Map<String, Integer> attempts = new HashMap<>();
    for (Ladder.Step s : l.steps()) {
      int attempt = attempts.merge(s.target() + "#" + s.step(), 1, Integer::sum);
      RunResult r = run(doc, s, attempt);
      out.append("| ")
          .append(s.target())
          .append(" | ")
          .append(s.step())
          .append(" | ")
          .append(fmt(s.offeredPerSecond()))
          .append(" | ")
          .append(r == null ? "—" : fmt(r.messagesPerSecond()) + " / " + fmt(s.ackedPerSecond()))
          .append(" | ")
          .append(
              r == null || r.pubAckMs() == null
                  ? "—"
                  : fmt(r.pubAckMs().p50())
                      + " / **"
                      + fmt(r.pubAckMs().p99())
                      + "** / "
                      + fmt(r.pubAckMs().p999()))
          .append(" | ")
          .append(r == null ? "—" : cpu(r))
          .append(" | ")
          .append(
              r == null || r.simulatorCpuMicrosPerMessage() == null
                  ? "—"
                  : fmt(r.simulatorCpuMicrosPerMessage()))
          .append(" | ")
          .append(s.within() ? "yes" : "**no**: " + s.reason())
          .append(" |\n");
    }
    out.append('\n');
    for (Ladder.Knee k : l.knees())
      out.append("- knee of ")
          .append(k.target())
          .append(": **")
          .append(k.kneePerSecond() == null ? "none" : fmt(k.kneePerSecond()) + " msg/s")
          .append("**")
          .append(
              k.stoppedBy() == null
                  ? " (every step was within the target)"
                  : "; the ladder stopped at " + k.stoppedBy())
          .append('\n');
    return out.toString();
  }

  /** The run of {@code s}'s {@code attempt}-th attempt (a step over the limit is run twice). */
  private static RunResult run(ReportDocument doc, Ladder.Step s, int attempt) {
    int seen = 0;
    for (RunResult r : doc.runs())
      if (r.target().equals(s.target()) && r.round() == s.step() && ++seen == attempt) return r;
    return null;
  }

  private static String cpu(RunResult r) {
    if (r.targetCpuMicrosPerMessage() == null) return "—";
    String t = fmt(r.targetCpuMicrosPerMessage());
    return r.postgresCpuMicrosPerMessage() == null
        ? t
        : t + " (+ " + fmt(r.postgresCpuMicrosPerMessage()) + ")";
  }

  private static String seconds(String iso) {
    try {
      return fmt(Duration.parse(iso).toMillis() / 1000.0);
    } catch (RuntimeException e) {
      return iso;
    }
  }
}
