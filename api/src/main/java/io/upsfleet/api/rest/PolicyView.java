package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.List;

/** A notification policy. */
public record PolicyView(
    String id,
    String name,
    String minSeverity,
    List<String> eventTypes,
    List<String> siteIds,
    List<String> serials,
    List<String> destinationIds,
    boolean includeMaintenance,
    Instant createdAt) {}
