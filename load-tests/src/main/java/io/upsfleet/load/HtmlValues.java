package io.upsfleet.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Values of the report tree as the HTML report shows them: missing as a dash, numbers formatted.
 */
final class HtmlValues {
  private HtmlValues() {}

  static final String DASH = "–";

  /** The map {@code o} is, with its keys as strings, or an empty map. */
  static Map<String, Object> map(Object o) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (o instanceof Map<?, ?> source) source.forEach((k, v) -> m.put(String.valueOf(k), v));
    return m;
  }

  /** {@code o} as a number (numbers and numeric strings), else NaN. */
  static double num(Object o) {
    if (o instanceof Number n) return n.doubleValue();
    if (o instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** A table cell's text: numbers formatted, missing values as a dash, nested values compactly. */
  static String cell(Object o) {
    if (o == null) return DASH;
    if (o instanceof Number n) return fmt(n.doubleValue());
    return text(o);
  }

  static String text(Object o) {
    if (o instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, v) -> parts.add(k + "=" + cell(v)));
      return String.join(", ", parts);
    }
    if (o instanceof List<?> l) {
      return String.join(", ", l.stream().map(HtmlValues::cell).toList());
    }
    return String.valueOf(o);
  }

  /**
   * A number for people: thousands separated, at most three significant decimals, no trailing
   * zeros.
   */
  static String fmt(double v) {
    if (!Double.isFinite(v)) return DASH;
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
    double a = Math.abs(v);
    String s = String.format(Locale.ROOT, a >= 100 ? "%,.1f" : a >= 1 ? "%,.2f" : "%,.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
