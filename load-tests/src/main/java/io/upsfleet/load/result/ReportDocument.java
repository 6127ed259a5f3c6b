package io.upsfleet.load.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A JSON report: where and how it was measured, the median and min-max of every figure per target,
 * every run, and the rounds that could not run; a calibration (S0) or a ladder (S2) report holds
 * those too (null in every other report).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportDocument(
    Environment environment,
    RunSettings settings,
    SummaryView summary,
    List<RunResult> runs,
    List<FailedRun> failedRuns,
    Calibration calibration,
    Ladder ladder) {

  /** A report of runs alone. */
  public ReportDocument(
      Environment environment,
      RunSettings settings,
      SummaryView summary,
      List<RunResult> runs,
      List<FailedRun> failedRuns) {
    this(environment, settings, summary, runs, failedRuns, null, null);
  }

  /** A round that could not run, and why (never reported as a measurement of zero). */
  public record FailedRun(String target, int round, String reason) {}
}
