package io.upsfleet.cluster.plan;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;

/**
 * A device's plan as the read models show it, computed by its entity at one instant and carried on
 * the events that change it.
 *
 * @param plan the plan at that instant
 * @param planEndsAt when the running term ends (null on Basic)
 * @param coveredUntil when paid coverage ends (the end of the run of back-to-back terms; null on
 *     Basic)
 * @param nextDeadline when the entity must next look at its plan (a change or a reminder), or null
 * @param warrantyEnds end of the electronics warranty
 * @param batteryWarrantyEnds end of the battery warranty
 */
public record PlanRecord(
    Plan plan,
    Instant planEndsAt,
    Instant coveredUntil,
    Instant nextDeadline,
    Instant warrantyEnds,
    Instant batteryWarrantyEnds)
    implements CborSerializable {}
