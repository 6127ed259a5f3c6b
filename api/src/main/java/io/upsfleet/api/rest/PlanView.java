package io.upsfleet.api.rest;

import java.time.Instant;

/**
 * A device's current plan: {@code BASIC}, {@code STANDARD} or {@code ADVANCED}; {@code source} is
 * {@code TRIAL}, {@code LICENSE}, {@code PROMOTION} or {@code NONE}; dates are null for Basic.
 */
public record PlanView(String plan, String source, Instant startedAt, Instant endsAt) {}
