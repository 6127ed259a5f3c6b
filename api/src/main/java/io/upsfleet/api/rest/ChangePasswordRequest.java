package io.upsfleet.api.rest;

/** Body of {@code POST /api/v1/auth/password}: a user changes their own password. */
public record ChangePasswordRequest(String currentPassword, String newPassword) {}
