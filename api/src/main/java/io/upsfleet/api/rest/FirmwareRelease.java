package io.upsfleet.api.rest;

/** One entry of the firmware catalogue: the newest version per model family and platform id. */
public record FirmwareRelease(
    String family,
    int platformId,
    String version,
    String releaseNotes,
    boolean loadUnprotectedDuringUpgrade) {}
