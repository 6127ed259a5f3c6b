package io.upsfleet.api.rest;

import java.util.Map;

/**
 * Counts over the devices a user can see ({@code GET /api/v1/devices/summary}), from the directory
 * read model.
 *
 * @param total every device
 * @param byHealth each health word ({@code OFFLINE CONNECTION_LOST LOW_BATTERY ON_BATTERY OVERLOAD
 *     TEMPERATURE_HIGH REPLACE_BATTERY OK}, in order of urgency) with its count, zeros included
 * @param byPlan each plan ({@code BASIC STANDARD ADVANCED}) with its count, zeros included
 * @param firmwareOutdated devices offered newer firmware they have not installed
 */
public record DeviceCounts(
    long total, Map<String, Long> byHealth, Map<String, Long> byPlan, long firmwareOutdated) {}
