package io.upsfleet.cluster.device;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One flag of the Network UPS Tools {@code ups.status} variable (space-separated on the wire, e.g.
 * {@code "OL CHRG"}). The wire token is the enum name.
 */
public enum StatusFlag {
  /** On line (mains power). */
  OL,
  /** On battery. */
  OB,
  /** Low battery: shutdown is near. */
  LB,
  /** Replace battery. */
  RB,
  /** Charging. */
  CHRG,
  /** Discharging. */
  DISCHRG,
  /** On bypass. */
  BYPASS,
  /** Runtime calibration in progress. */
  CAL,
  /** Output off. */
  OFF,
  /** Overloaded. */
  OVER,
  /** Trimming high input voltage. */
  TRIM,
  /** Boosting low input voltage. */
  BOOST,
  /** Self-test in progress. */
  TEST,
  /** Alarm raised. */
  ALARM;

  /** The flag for a wire token, if it is one. */
  public static Optional<StatusFlag> fromToken(String token) {
    try {
      return Optional.of(valueOf(token.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Renders flags the way NUT does: space separated, in declaration order. */
  public static String render(Set<StatusFlag> flags) {
    StringBuilder sb = new StringBuilder();
    for (StatusFlag f :
        EnumSet.copyOf(flags.isEmpty() ? EnumSet.noneOf(StatusFlag.class) : flags)) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(f.name());
    }
    return sb.toString();
  }
}
