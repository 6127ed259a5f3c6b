package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.List;

/** One row of the device list (from the directory read model, which trails the entities slightly). */
public record DeviceSummary(
    String serial,
    String model,
    String accountId,
    Instant registeredAt,
    boolean online,
    boolean connectionLost,
    List<String> status,
    String health,
    String firmware,
    Instant updatedAt) {}
