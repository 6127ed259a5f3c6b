package io.upsfleet.cluster.report;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.Optional;

/** The formats a report downloads in, each with its media type and writer. */
public enum ReportFormat {
  CSV("csv", "text/csv; charset=UTF-8"),
  XLSX("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

  private final String extension;
  private final String mediaType;

  ReportFormat(String extension, String mediaType) {
    this.extension = extension;
    this.mediaType = mediaType;
  }

  public String extension() {
    return extension;
  }

  public String mediaType() {
    return mediaType;
  }

  public static Optional<ReportFormat> fromExtension(String extension) {
    for (ReportFormat f : values()) if (f.extension.equals(extension)) return Optional.of(f);
    return Optional.empty();
  }

  /**
   * A writer of {@code report} as of {@code today} to {@code out}; it writes the header at once and
   * each row as it comes, and closing it finishes the file and closes {@code out}.
   */
  public ReportWriter open(Report report, LocalDate today, OutputStream out) throws IOException {
    return this == CSV
        ? new CsvReportWriter(report, today, out)
        : new XlsxReportWriter(report, today, out);
  }
}
