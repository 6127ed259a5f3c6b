package io.upsfleet.cluster.device;

import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanTimeline;
import io.upsfleet.cluster.plan.TermSource;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;

/** The state of an entity whose serial has not been registered: it refuses everything else. */
public record EmptyDevice(String serial) implements UpsDevice.State {

  /**
   * Values in force before {@link UpsDevice.Registered} carried the resolved trial and warranty
   * ends (events of 2026 and earlier may lack them): replaying such an event must not depend on
   * today's configuration.
   */
  static final Period LEGACY_TRIAL = Period.ofMonths(6);

  static final Period LEGACY_WARRANTY = Period.ofYears(3);
  static final Period LEGACY_BATTERY_WARRANTY = Period.ofYears(2);
  static final Period LEGACY_TRIAL_BATTERY_BONUS = Period.ofYears(1);

  RegisteredDevice registered(UpsDevice.Registered e) {
    Instant trialEnds = e.trialEnds() != null ? e.trialEnds() : PlanBook.plus(e.at(), LEGACY_TRIAL);
    PlanTimeline trial =
        trialEnds.isAfter(e.at())
            ? PlanTimeline.empty()
                .assign(
                    Plan.STANDARD,
                    Period.between(
                        LocalDate.ofInstant(e.at(), ZoneOffset.UTC),
                        LocalDate.ofInstant(trialEnds, ZoneOffset.UTC)),
                    TermSource.TRIAL,
                    "trial",
                    null,
                    e.at())
            : PlanTimeline.empty();
    Instant warranty =
        e.warrantyEnds() != null ? e.warrantyEnds() : PlanBook.plus(e.at(), LEGACY_WARRANTY);
    Instant battery =
        e.batteryWarrantyEnds() != null
            ? e.batteryWarrantyEnds()
            : PlanBook.plus(
                e.at(),
                DeviceModels.chemistryOf(e.model()) == DeviceModels.Chemistry.LEAD_ACID
                    ? LEGACY_BATTERY_WARRANTY.plus(LEGACY_TRIAL_BATTERY_BONUS)
                    : LEGACY_BATTERY_WARRANTY);
    return new RegisteredDevice(
        serial,
        e.model(),
        e.accountId(),
        e.at(),
        Session.never(),
        Health.unknown(),
        new PlanBook(trial, warranty, battery, e.at(), null),
        Operations.none());
  }
}
