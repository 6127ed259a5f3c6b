package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of the fleet-wide event feed ({@code GET /api/v1/events}): a device's logged event and
 * the account it was logged in.
 */
public record FleetEventView(
    String accountId,
    String serial,
    long seq,
    String type,
    String severity,
    String cause,
    Instant occurredAt,
    Instant deviceTime,
    Map<String, String> details) {}
