package io.upsfleet.gateway.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;

/** CSV exports (RFC 4180): when one is wanted, and how a row is written. */
final class Csv {
  static final ContentType.WithCharset CONTENT_TYPE =
      MediaTypes.TEXT_CSV.toContentType(HttpCharsets.UTF_8);

  private Csv() {}

  /** Whether the caller asked for CSV: {@code format=csv} or an {@code Accept} of text/csv. */
  static boolean wanted(HttpRequest request, Map<String, String> params) {
    if ("csv".equalsIgnoreCase(params.get("format"))) return true;
    return request
        .getHeader("Accept")
        .map(h -> h.value().toLowerCase(Locale.ROOT).contains("text/csv"))
        .orElse(false);
  }

  /**
   * One line: fields quoted when they hold a comma, quote or line break; a field starting with
   * {@code = + - @} is prefixed with a quote so that spreadsheets do not run it as a formula.
   */
  static String row(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) b.append(',');
      String f = fields.get(i) == null ? "" : fields.get(i);
      if (!f.isEmpty() && "=+-@".indexOf(f.charAt(0)) >= 0) f = "'" + f;
      if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
        f = "\"" + f.replace("\"", "\"\"") + "\"";
      }
      b.append(f);
    }
    return b.append("\r\n").toString();
  }
}
