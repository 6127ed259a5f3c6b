package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/accounts/{id}/users/{userId}/password}: the password an admin sets;
 * the user must choose a new one at next sign-in.
 */
public record ResetPasswordRequest(String password) {}
