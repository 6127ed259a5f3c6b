package io.upsfleet.api.rest;

/**
 * Body of {@code PATCH /api/v1/accounts/{id}/users/{userId}} (and {@code PATCH
 * /api/v1/support-users/{userId}}): {@code disabled} true disables the user (every token stops
 * working on every node), false enables it; {@code role} changes the role. Null leaves it as it is.
 */
public record UpdateUserRequest(Boolean disabled, String role) {}
