package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.List;

/**
 * One row of the device list (from the directory read model, which trails the entities slightly).
 * {@code plan} ({@code BASIC|STANDARD|ADVANCED}) and {@code firmwareAvailable} (newer firmware
 * offered and not yet installed, or null) were added later; older servers leave them out.
 */
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
    Instant updatedAt,
    String plan,
    String firmwareAvailable) {}
