package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.List;

/**
 * A site outage: when it started and ended (null while open), how many UPSs are on battery now, the
 * most at once, of how many in the site, and which took part.
 */
public record IncidentView(
    String id,
    String siteId,
    String siteName,
    Instant startedAt,
    Instant endedAt,
    int onBattery,
    int peak,
    int devicesTotal,
    List<String> serials) {}
