package io.upsfleet.cluster.site;

import java.time.Instant;
import java.util.UUID;

/** A site of an account; {@code devices} is how many devices it has now. */
public record Site(
    UUID id,
    UUID accountId,
    String name,
    String address,
    String timeZone,
    Instant createdAt,
    long devices) {}
