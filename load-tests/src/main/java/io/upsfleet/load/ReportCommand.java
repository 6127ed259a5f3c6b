package io.upsfleet.load;

import io.upsfleet.load.result.ReportDocument;
import io.upsfleet.load.result.Reports;
import io.upsfleet.load.result.RunResult;
import io.upsfleet.load.result.SummaryView;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code report}: combines the JSON reports of separate runs (e.g. one per gateway restart) into
 * one, or prints BENCHMARKS.md's rows of each report ({@code --markdown}).
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Combine JSON reports of separate runs (e.g. one per gateway restart) into one: every run, the "
            + "median and min-max of every figure, and optionally the HTML report. With --markdown, print "
            + "the BENCHMARKS.md table rows of each report instead (each row names its report file and "
            + "commit).")
final class ReportCommand implements Callable<Integer> {
  @CommandLine.Parameters(arity = "1..*", description = "JSON reports written by 'run --report'")
  List<Path> reports;

  @Option(names = "--out", description = "write the combined JSON report here")
  Path out;

  @Option(names = "--html", description = "write the combined HTML report here")
  Path html;

  @Option(
      names = "--markdown",
      description =
          "print a Markdown table with the rows of every report, then the table of each calibration "
              + "and ladder report (links relative to the working directory: run it from the "
              + "repository's root)")
  boolean markdown;

  @Option(
      names = "--nodes",
      description =
          "the reports of one multi-node run (bench/multi-node.sh), one per node over the same window: "
              + "print a Markdown table with a row per node and the fleet's total")
  boolean nodes;

  @Option(
      names = "--slices",
      converter = DurationConverter.class,
      description =
          "cut the measured window of a one-run report (the S6 soak) into slices of this length and "
              + "print a Markdown table of each slice's messages, PUBACK p99 and devices online")
  Duration slices;

  @Override
  public Integer call() throws IOException {
    Map<Path, ReportDocument> docs = new LinkedHashMap<>();
    for (Path p : reports) {
      ReportDocument doc = Reports.read(p);
      if ((doc.runs() == null || doc.runs().isEmpty()) && doc.calibration() == null)
        throw new IllegalArgumentException(p + " has no runs");
      if (!markdown && (doc.calibration() != null || doc.ladder() != null))
        throw new IllegalArgumentException(
            p + " is a calibration or ladder report: it is printed (--markdown), not combined");
      docs.put(p, doc);
    }
    if (slices != null) {
      for (Map.Entry<Path, ReportDocument> d : docs.entrySet()) {
        if (d.getValue().runs().size() != 1)
          throw new IllegalArgumentException(d.getKey() + ": --slices needs a report of one run");
        System.out.print(SlicesTable.render(d.getValue().runs().get(0), slices));
      }
      return 0;
    }
    if (nodes) {
      System.out.print(NodesTable.render(docs));
      return 0;
    }
    if (markdown) {
      System.out.print(MarkdownTable.render(docs));
      return 0;
    }
    List<RunResult> runs = new ArrayList<>();
    int round = 0;
    for (Map.Entry<Path, ReportDocument> d : docs.entrySet()) {
      for (RunResult r : d.getValue().runs())
        runs.add(r.combined(++round, d.getKey().getFileName().toString()));
    }
    SummaryView summary = Summary.aggregate(runs);
    Summary.print(runs, summary, System.out);
    ReportDocument first = docs.values().iterator().next();
    ReportDocument combined =
        new ReportDocument(first.environment(), first.settings(), summary, runs, null);
    if (out != null) Reports.write(combined, out);
    if (html != null) HtmlReport.write(Reports.tree(combined), html);
    return 0;
  }
}
