package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.Map;

/**
 * A remote operation and where it stands: {@code PENDING} (waiting in the gateway) → {@code SENT}
 * (published to the device) → {@code DELIVERED} (the device acknowledged the publish) → {@code
 * ACKNOWLEDGED} (the device accepted it or reports progress) → {@code SUCCEEDED | FAILED |
 * TIMED_OUT | EXPIRED | CANCELLED}.
 */
public record CommandView(
    String id,
    String serial,
    String type,
    Map<String, String> params,
    String status,
    String progress,
    String reason,
    String requestedBy,
    Instant requestedAt,
    Instant expiresAt,
    Instant sentAt,
    Instant updatedAt) {}
