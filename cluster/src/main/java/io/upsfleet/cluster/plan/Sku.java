package io.upsfleet.cluster.plan;

import io.upsfleet.cluster.CborSerializable;
import java.time.Period;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A product that can be ordered: a plan license ({@code SMARTCONNECT-STANDARD-1Y}, {@code -3Y},
 * {@code -5Y}, and the same for {@code ADVANCED}) or an extended warranty ({@code WEXTWAR}:
 * electronics and battery, {@code WBEXTWAR}: battery only; optionally with a term suffix {@code
 * -1Y}/{@code -3Y}, default one year).
 *
 * @param code the canonical SKU string
 * @param kind license or warranty
 * @param plan the plan of a license; null for a warranty
 * @param term the length of the license or of the warranty extension
 */
public record Sku(String code, Kind kind, Plan plan, Period term) implements CborSerializable {

  /** What an SKU grants. */
  public enum Kind {
    /** A plan term. */
    LICENSE,
    /** An extension of the electronics and battery warranty. */
    WARRANTY,
    /** An extension of the battery warranty. */
    BATTERY_WARRANTY
  }

  private static final Pattern LICENSE =
      Pattern.compile("SMARTCONNECT-(STANDARD|ADVANCED)-([135])Y");
  private static final Pattern WARRANTY = Pattern.compile("(WEXTWAR|WBEXTWAR)(?:-([13])Y)?");

  /** Every license SKU, for listings and documentation. */
  public static final List<String> LICENSE_SKUS =
      List.of(
          "SMARTCONNECT-STANDARD-1Y",
          "SMARTCONNECT-STANDARD-3Y",
          "SMARTCONNECT-STANDARD-5Y",
          "SMARTCONNECT-ADVANCED-1Y",
          "SMARTCONNECT-ADVANCED-3Y",
          "SMARTCONNECT-ADVANCED-5Y");

  /** Every warranty SKU. */
  public static final List<String> WARRANTY_SKUS =
      List.of("WEXTWAR", "WEXTWAR-1Y", "WEXTWAR-3Y", "WBEXTWAR", "WBEXTWAR-1Y", "WBEXTWAR-3Y");

  /** The SKU of a string, if it is one (exact, upper case). */
  public static Optional<Sku> parse(String code) {
    if (code == null || code.length() > 40) return Optional.empty();
    Matcher m = LICENSE.matcher(code);
    if (m.matches()) {
      return Optional.of(
          new Sku(
              code,
              Kind.LICENSE,
              Plan.valueOf(m.group(1)),
              Period.ofYears(Integer.parseInt(m.group(2)))));
    }
    m = WARRANTY.matcher(code);
    if (m.matches()) {
      int years = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
      Kind kind = m.group(1).equals("WEXTWAR") ? Kind.WARRANTY : Kind.BATTERY_WARRANTY;
      return Optional.of(new Sku(code, kind, null, Period.ofYears(years)));
    }
    return Optional.empty();
  }

  public boolean isLicense() {
    return kind == Kind.LICENSE;
  }
}
