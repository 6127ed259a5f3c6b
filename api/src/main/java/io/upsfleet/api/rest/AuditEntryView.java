package io.upsfleet.api.rest;

import java.time.Instant;

/**
 * One audit record: who ({@code actor}, {@code role}), when ({@code at}), from where ({@code
 * source}), what ({@code action} on {@code target}, in {@code accountId}), and the {@code outcome}.
 * {@code id} orders records (higher is newer).
 */
public record AuditEntryView(
    long id,
    Instant at,
    String actor,
    String role,
    String source,
    String accountId,
    String action,
    String target,
    String outcome,
    String details) {}
