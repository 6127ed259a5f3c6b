package io.upsfleet.api.rest;

import java.time.Instant;

/** A user (never with a password). {@code accountId} is null for support staff. */
public record UserView(
    String id, String username, String role, String accountId, Instant createdAt) {}
