package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.Map;

/**
 * A remote command and where it stands: {@code PENDING → SENT → ACKNOWLEDGED → SUCCEEDED | FAILED |
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
