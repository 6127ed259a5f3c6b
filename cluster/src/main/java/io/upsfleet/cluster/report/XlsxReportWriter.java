package io.upsfleet.cluster.report;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.List;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * A report as XLSX through FastExcel's streaming writer: one sheet named after the report, a bold
 * frozen header row, column widths, typed cells (numbers as numbers, dates as dates formatted
 * {@code yyyy-mm-dd}, text neutralised like the CSV's). Rows are flushed every {@link #FLUSH_EVERY}
 * so memory stays bounded whatever the number of devices.
 */
final class XlsxReportWriter implements ReportWriter {
  static final int FLUSH_EVERY = 1_000;
  private final Report report;
  private final LocalDate today;
  private final OutputStream out;
  private final Workbook workbook;
  private final Worksheet sheet;
  private final List<Report.Column> columns;
  private int row = 1;

  XlsxReportWriter(Report report, LocalDate today, OutputStream out) throws IOException {
    this.report = report;
    this.today = today;
    this.columns = report.columns();
    this.out = out;
    this.workbook = new Workbook(out, "upsfleet", "1.0");
    this.sheet = workbook.newWorksheet(report.sheet());
    for (int c = 0; c < columns.size(); c++) {
      sheet.value(0, c, columns.get(c).header());
      sheet.width(c, columns.get(c).width());
    }
    sheet.range(0, 0, 0, columns.size() - 1).style().bold().set();
    sheet.freezePane(0, 1);
  }

  @Override
  public void write(ReportRow r) throws IOException {
    for (int c = 0; c < columns.size(); c++) {
      Report.Column col = columns.get(c);
      Object v = col.value().apply(r, today);
      if (v == null || "".equals(v)) continue; // an empty cell, not an empty string
      switch (col.kind()) {
        case NUMBER -> sheet.value(row, c, (Double) v);
        case DATE -> {
          sheet.value(row, c, (LocalDate) v);
          sheet.style(row, c).format("yyyy-mm-dd").set();
        }
        case TEXT -> sheet.value(row, c, ReportWriter.neutralised(v.toString()));
      }
    }
    row++;
    if (row % FLUSH_EVERY == 0) sheet.flush();
  }

  @Override
  public void close() throws IOException {
    sheet.finish();
    workbook.finish();
    out.close();
  }
}
