package io.upsfleet.api.rest;

import java.time.Instant;

/**
 * A user (never with a password). {@code accountId} is null for support staff; {@code disabled}
 * users cannot sign in; {@code mustChangePassword} after an admin reset the password.
 */
public record UserView(
    String id,
    String username,
    String role,
    String accountId,
    Instant createdAt,
    boolean disabled,
    boolean mustChangePassword) {}
