package io.upsfleet.api.rest;

import java.time.Instant;

/** A bearer token: send it as {@code Authorization: Bearer <token>} until {@code expiresAt}. */
public record TokenResponse(
    String token, Instant expiresAt, String username, String role, String accountId) {}
