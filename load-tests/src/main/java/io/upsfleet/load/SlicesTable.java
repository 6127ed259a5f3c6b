package io.upsfleet.load;

import static io.upsfleet.load.MarkdownTable.fmt;

import io.upsfleet.load.result.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code report --slices}: a long measured window (the S6 soak) cut into slices of equal length,
 * from the report's second-by-second timeline: messages, the rate, the median and the highest
 * per-second PUBACK p99 and the fewest devices online in each, so that a drift shows.
 */
final class SlicesTable {
  static final String HEADER =
      "| minutes | sent | acknowledged | msg/s | PUBACK p99 ms (median of the seconds) | highest second's p99 ms"
          + " | fewest online |\n"
          + "|---|---|---|---|---|---|---|\n";

  private SlicesTable() {}

  static String render(RunResult run, Duration slice) {
    long seconds = slice.toSeconds();
    if (seconds < 1) throw new IllegalArgumentException("--slices must be at least 1s");
    List<RunResult.Second> timeline = run.timeline();
    if (timeline == null || timeline.isEmpty())
      throw new IllegalArgumentException("the report has no timeline");
    StringBuilder out = new StringBuilder(HEADER);
    for (int from = 0; from < timeline.size(); from += (int) seconds) {
      List<RunResult.Second> part =
          timeline.subList(from, (int) Math.min(timeline.size(), from + seconds));
      long sent = 0, acked = 0, fewest = Long.MAX_VALUE;
      List<Double> p99s = new ArrayList<>();
      for (RunResult.Second s : part) {
        sent += s.sent();
        acked += s.acked();
        fewest = Math.min(fewest, s.online());
        if (s.p99() != null) p99s.add(s.p99());
      }
      Collections.sort(p99s);
      out.append(
          String.join(
                  " | ",
                  "| " + minutes(from) + "–" + minutes(from + part.size()),
                  fmt(sent),
                  fmt(acked),
                  fmt((double) sent / part.size()),
                  p99s.isEmpty() ? "—" : fmt(p99s.get(p99s.size() / 2)),
                  p99s.isEmpty() ? "—" : fmt(p99s.get(p99s.size() - 1)),
                  fmt(fewest))
              + " |\n");
    }
    out.append("\nWhole window: PUBACK p50 ")
        .append(fmt(run.pubAckMs().p50()))
        .append(" / p99 ")
        .append(fmt(run.pubAckMs().p99()))
        .append(" / p99.9 ")
        .append(fmt(run.pubAckMs().p999()))
        .append(" / max ")
        .append(fmt(run.pubAckMs().max()))
        .append(" ms, ")
        .append(fmt(run.disconnects()))
        .append(" disconnects, ")
        .append(fmt(run.behindSchedule()))
        .append(" sends behind schedule.\n");
    return out.toString();
  }

  private static String minutes(int second) {
    return MarkdownTable.plain(Math.round(second / 6.0) / 10.0);
  }
}
