package io.upsfleet.cluster.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A report as CSV: RFC 4180 (comma, CRLF, quotes where needed), UTF-8 without a byte-order mark, a
 * header row, ISO dates ({@code 2027-03-10}), numbers in plain notation, empty cells for unknown
 * values, text neutralised against formula injection.
 */
final class CsvReportWriter implements ReportWriter {
  private final Report report;
  private final LocalDate today;
  private final CSVPrinter printer;
  private final List<Object> cells;

  CsvReportWriter(Report report, LocalDate today, OutputStream out) throws IOException {
    this.report = report;
    this.today = today;
    this.cells = new ArrayList<>(report.columns().size());
    this.printer =
        new CSVPrinter(
            new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024),
            CSVFormat.RFC4180);
    for (Report.Column c : report.columns()) cells.add(c.header());
    printer.printRecord(cells);
  }

  @Override
  public void write(ReportRow row) throws IOException {
    cells.clear();
    for (Report.Column c : report.columns()) {
      Object v = c.value().apply(row, today);
      if (v == null) cells.add("");
      else if (c.kind() == Report.Kind.TEXT) cells.add(ReportWriter.neutralised(v.toString()));
      else if (v instanceof Double d) cells.add(plain(d));
      else cells.add(v.toString()); // LocalDate: ISO
    }
    printer.printRecord(cells);
  }

  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  @Override
  public void close() throws IOException {
    printer.close(true);
  }
}
