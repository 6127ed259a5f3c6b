package io.upsfleet.cluster.report;

import io.upsfleet.cluster.device.DeviceModels;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;

/**
 * When a device's battery should be replaced: its install date plus the expected life of its
 * chemistry. The install date is the {@code battery.date} the device last reported, else the
 * device's registration date (UTC). Expected life: valve-regulated lead-acid (VRLA) 3 years (the
 * low end of APC's "3 to 5 years", so the reminder comes before the battery fails), lithium-ion 8
 * years. Pure; the same rule everywhere a replace-by date is shown.
 */
public final class BatteryLife {
  /** The expected life of a lead-acid (VRLA) battery. */
  public static final Period LEAD_ACID = Period.ofYears(3);

  /** The expected life of a lithium-ion battery. */
  public static final Period LITHIUM_ION = Period.ofYears(8);

  private BatteryLife() {}

  /** The install date: the reported one, else the registration date (UTC). */
  public static LocalDate installed(LocalDate reported, Instant registeredAt) {
    return reported != null ? reported : registeredAt.atZone(ZoneOffset.UTC).toLocalDate();
  }

  /** The replace-by date of a battery of {@code model} installed on {@code installed}. */
  public static LocalDate replaceBy(String model, LocalDate installed) {
    return installed.plus(lifeOf(model));
  }

  /** The expected life of {@code model}'s battery (an unknown model counts as lead-acid). */
  public static Period lifeOf(String model) {
    return DeviceModels.chemistryOf(model) == DeviceModels.Chemistry.LITHIUM_ION
        ? LITHIUM_ION
        : LEAD_ACID;
  }
}
