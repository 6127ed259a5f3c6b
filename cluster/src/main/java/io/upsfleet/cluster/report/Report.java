package io.upsfleet.cluster.report;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The two reports and their columns (DOMAIN.md §8). MyInventory: what the fleet is and how it is
 * doing, with renewal needs. MyRenewals: what expires and which SKUs renew it, no operational data
 * (it is made to be sent to a reseller for a quote).
 */
public enum Report {
  MY_INVENTORY("my-inventory", "MyInventory", true),
  MY_RENEWALS("my-renewals", "MyRenewals", false);

  /**
   * How long before an expiry a renewal is "needed" in MyInventory (and the renewal SKUs listed).
   */
  public static final int RENEWAL_HORIZON_DAYS = 90;

  /** A cell's type: text (neutralised against formula injection), number or date. */
  public enum Kind {
    TEXT,
    NUMBER,
    DATE
  }

  /**
   * One column: its header, type, width in characters (XLSX) and value of a row at a date (the
   * report's day, for renewal needs).
   */
  public record Column(
      String header, Kind kind, int width, BiFunction<ReportRow, LocalDate, Object> value) {}

  private final String slug;
  private final String sheet;
  private final boolean operational;

  Report(String slug, String sheet, boolean operational) {
    this.slug = slug;
    this.sheet = sheet;
    this.operational = operational;
  }

  /** The name in the URL, e.g. {@code my-inventory}. */
  public String slug() {
    return slug;
  }

  /** The sheet name of the XLSX. */
  public String sheet() {
    return sheet;
  }

  /** Whether the report carries operational data (status, load, charge, temperature). */
  public boolean operational() {
    return operational;
  }

  public static Optional<Report> fromSlug(String slug) {
    for (Report r : values()) if (r.slug.equals(slug)) return Optional.of(r);
    return Optional.empty();
  }

  /** The columns, in order. */
  public List<Column> columns() {
    return this == MY_INVENTORY ? INVENTORY : RENEWALS;
  }

  private static final List<Column> INVENTORY =
      List.of(
          text("serial", 16, (r, d) -> r.serial()),
          text("model", 16, (r, d) -> r.model()),
          text("site", 20, (r, d) -> r.site()),
          text("health", 16, (r, d) -> r.health()),
          text("status", 14, (r, d) -> r.status()),
          number("load_pct", 10, (r, d) -> r.load()),
          number("charge_pct", 10, (r, d) -> r.charge()),
          number("temperature_c", 13, (r, d) -> r.temperature()),
          text("firmware", 20, (r, d) -> r.firmware()),
          text("firmware_update", 20, (r, d) -> r.firmwareAvailable()),
          text("rbc", 12, (r, d) -> r.rbc()),
          date("battery_installed", 17, (r, d) -> r.batteryInstalled()),
          date("battery_replace_by", 18, (r, d) -> r.batteryReplaceBy()),
          text("plan", 10, (r, d) -> r.plan()),
          date("plan_ends", 12, (r, d) -> r.planEnds()),
          date("warranty_ends", 14, (r, d) -> r.warrantyEnds()),
          date("battery_warranty_ends", 21, (r, d) -> r.batteryWarrantyEnds()),
          text("renewal_needed", 28, Report::renewalNeeded));

  private static final List<Column> RENEWALS =
      List.of(
          text("serial", 16, (r, d) -> r.serial()),
          text("model", 16, (r, d) -> r.model()),
          text("site", 20, (r, d) -> r.site()),
          text("plan", 10, (r, d) -> r.plan()),
          date("plan_ends", 12, (r, d) -> r.planEnds()),
          date("warranty_ends", 14, (r, d) -> r.warrantyEnds()),
          date("battery_warranty_ends", 21, (r, d) -> r.batteryWarrantyEnds()),
          date("battery_replace_by", 18, (r, d) -> r.batteryReplaceBy()),
          text("rbc_sku", 12, (r, d) -> r.rbc()),
          text("service_sku", 14, (r, d) -> serviceSku(r)),
          text("license_sku", 26, (r, d) -> licenseSku(r)));

  /**
   * What needs renewing within {@link #RENEWAL_HORIZON_DAYS} of {@code today} (or is overdue),
   * {@code "; "}-separated in the order battery, warranty, license; empty when nothing. A device on
   * Basic needs a license.
   */
  static String renewalNeeded(ReportRow r, LocalDate today) {
    LocalDate horizon = today.plusDays(RENEWAL_HORIZON_DAYS);
    List<String> needs = new ArrayList<>(3);
    if (r.batteryReplaceBy() != null && !r.batteryReplaceBy().isAfter(horizon))
      needs.add("battery");
    if (r.warrantyEnds() != null && !r.warrantyEnds().isAfter(horizon)) needs.add("warranty");
    if ("BASIC".equals(r.plan()) || (r.planEnds() != null && !r.planEnds().isAfter(horizon))) {
      needs.add("license");
    }
    return String.join("; ", needs);
  }

  /** The service SKU that extends the electronics and battery warranty by a year. */
  static String serviceSku(ReportRow r) {
    return "WEXTWAR-1Y";
  }

  /** The license SKU that renews the device's plan for a year (Basic: Standard). */
  static String licenseSku(ReportRow r) {
    String plan = "ADVANCED".equals(r.plan()) ? "ADVANCED" : "STANDARD";
    return "SMARTCONNECT-" + plan.toUpperCase(Locale.ROOT) + "-1Y";
  }

  private static Column text(String h, int w, BiFunction<ReportRow, LocalDate, Object> v) {
    return new Column(h, Kind.TEXT, w, v);
  }

  private static Column number(String h, int w, BiFunction<ReportRow, LocalDate, Object> v) {
    return new Column(h, Kind.NUMBER, w, v);
  }

  private static Column date(String h, int w, BiFunction<ReportRow, LocalDate, Object> v) {
    return new Column(h, Kind.DATE, w, v);
  }
}
