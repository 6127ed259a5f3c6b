package io.upsfleet.cluster.notify;

import java.time.Instant;
import java.util.UUID;

/**
 * Where an account's messages go: {@code target} is the e-mail address or the URL; {@code secret}
 * the signing key of a {@link DestinationType#WEBHOOK} (null for the others).
 */
public record Destination(
    UUID id,
    UUID accountId,
    DestinationType type,
    String name,
    String target,
    String secret,
    Instant createdAt) {}
