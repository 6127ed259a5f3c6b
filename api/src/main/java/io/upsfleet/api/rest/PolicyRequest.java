package io.upsfleet.api.rest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/accounts/{id}/notification-policies}: which events ({@code
 * eventTypes}, or else every type of at least {@code minSeverity}, default {@code WARNING}), which
 * devices ({@code siteIds} and {@code serials}; all devices when both are empty), which {@code
 * destinationIds}; {@code includeMaintenance} also notifies alarms caused by a self-test,
 * calibration or firmware upgrade.
 */
public record PolicyRequest(
    String name,
    String minSeverity,
    List<String> eventTypes,
    List<String> siteIds,
    List<String> serials,
    List<String> destinationIds,
    Boolean includeMaintenance) {}
