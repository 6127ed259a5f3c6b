package io.upsfleet.api.rest;

import java.time.Instant;

/**
 * A bearer token: send it as {@code Authorization: Bearer <token>} until {@code expiresAt}. With
 * {@code mustChangePassword} the token only serves {@code POST /api/v1/auth/password} (and
 * sign-out) until the user has chosen a new password.
 */
public record TokenResponse(
    String token,
    Instant expiresAt,
    String username,
    String role,
    String accountId,
    boolean mustChangePassword) {}
