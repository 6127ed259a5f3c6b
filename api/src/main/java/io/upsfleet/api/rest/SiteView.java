package io.upsfleet.api.rest;

import java.time.Instant;

/** A site of an account, with how many devices it has. */
public record SiteView(
    String id, String name, String address, String timeZone, long devices, Instant createdAt) {}
