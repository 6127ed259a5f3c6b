package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.List;

/**
 * One message of the delivery log: its idempotency key, destination, kind and title, the events it
 * covers ({@code serial#seq:TYPE}), its status ({@code HELD}, {@code PENDING}, {@code SENT}, {@code
 * DEAD}, {@code SUPPRESSED}), attempts and last error.
 */
public record DeliveryView(
    long id,
    String deliveryKey,
    String destinationId,
    String destinationName,
    String destinationType,
    String kind,
    String title,
    String serial,
    String incidentId,
    List<String> events,
    String status,
    int attempts,
    String lastError,
    Instant createdAt,
    Instant nextAttemptAt,
    Instant sentAt) {}
