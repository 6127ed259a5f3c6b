package io.upsfleet.ui.device;

import io.upsfleet.api.Serials;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bulk-import file: CSV (RFC 4180 quoting, UTF-8) with the columns {@code serial, model, site},
 * an optional header row, at most {@value #MAX_ROWS} devices. Each row is checked before anything
 * is registered: the serial's form, a model, a known site (by name, case-insensitive), no serial
 * twice in the file. Immutable results.
 */
public final class BulkCsv {
  /** The gateway's limit for one bulk registration. */
  public static final int MAX_ROWS = 1000;

  /**
   * One row of the file: its line number, its values and what is wrong with it (null when it may be
   * registered); {@code siteId} is the site's id (null: no site).
   */
  public record Row(
      int line, String serial, String model, String site, String siteId, String problem) {
    public boolean valid() {
      return problem == null;
    }
  }

  private BulkCsv() {}

  /**
   * Reads the rows of {@code text}; {@code sites} maps lower-case site names to ids. A file with
   * more than {@value #MAX_ROWS} rows is refused as a whole.
   */
  public static List<Row> parse(String text, Map<String, String> sites) {
    List<List<String>> records = records(text);
    if (!records.isEmpty()
        && !records.get(0).isEmpty()
        && records.get(0).get(0).trim().equalsIgnoreCase("serial")) {
      records = records.subList(1, records.size());
    }
    if (records.size() > MAX_ROWS) {
      throw new IllegalArgumentException(
          "The file has "
              + records.size()
              + " rows; at most "
              + MAX_ROWS
              + " can be imported at once.");
    }
    List<Row> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int line = 0;
    for (List<String> r : records) {
      line++;
      if (r.stream().allMatch(String::isBlank)) continue;
      String serial = cell(r, 0).toUpperCase(Locale.ROOT);
      String model = cell(r, 1);
      String site = cell(r, 2);
      String siteId = site.isEmpty() ? null : sites.get(site.toLowerCase(Locale.ROOT));
      String problem = null;
      if (r.size() > 3) problem = "Too many columns: serial, model, site expected";
      else if (!Serials.isValid(serial))
        problem = "Serial must be 8 to 20 capital letters or digits";
      else if (model.isEmpty()) problem = "Model is missing";
      else if (!model.matches("[A-Z0-9]{3,24}"))
        problem = "Model must be 3 to 24 capital letters or digits";
      else if (!site.isEmpty() && siteId == null) problem = "No site named " + site;
      else if (!seen.add(serial)) problem = "Serial appears twice in the file";
      rows.add(new Row(line, serial, model, site, siteId, problem));
    }
    return rows;
  }

  private static String cell(List<String> r, int i) {
    return i < r.size() ? r.get(i).trim() : "";
  }

  /** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
  static List<List<String>> records(String text) {
    List<List<String>> out = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
        record.add(field.toString());
        out.add(record);
        record = new ArrayList<>();
        field.setLength(0);
        any = false;
      } else {
        field.append(c);
        any = true;
      }
    }
    if (any || field.length() > 0) {
      record.add(field.toString());
      out.add(record);
    }
    return out;
  }
}
