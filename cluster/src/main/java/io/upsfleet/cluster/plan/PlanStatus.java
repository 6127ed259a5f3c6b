package io.upsfleet.cluster.plan;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;

/**
 * The plan a device is on at one instant.
 *
 * @param plan the current plan
 * @param source where it comes from: {@code TRIAL}, {@code LICENSE}, {@code PROMOTION}, or {@code
 *     NONE} for Basic
 * @param startedAt when the current term started (registration for the trial); null for Basic
 * @param endsAt when the current term ends; null for Basic, which never ends
 */
public record PlanStatus(Plan plan, String source, Instant startedAt, Instant endsAt)
    implements CborSerializable {}
