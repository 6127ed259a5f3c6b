package io.upsfleet.cluster.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A user as shown to others (never with its password hash). {@code accountId} is null for support.
 */
public record User(UUID id, String username, Role role, UUID accountId, Instant createdAt) {}
