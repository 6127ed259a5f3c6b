package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.Map;

/**
 * An entry of a device's event log.
 *
 * @param cause why an alarm is not a real fault ({@code SELF_TEST}, {@code CALIBRATION}), or null
 */
public record DeviceEventView(
    long id,
    String serial,
    String type,
    String severity,
    String cause,
    Instant occurredAt,
    Instant deviceTime,
    Map<String, String> details) {}
