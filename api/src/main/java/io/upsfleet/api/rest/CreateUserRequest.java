package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/accounts/{id}/users}: a user of that account, with role {@code
 * ACCOUNT_ADMIN} or {@code ACCOUNT_VIEWER}; or of {@code POST /api/v1/support-users} with role
 * {@code SUPPORT}.
 */
public record CreateUserRequest(String username, String password, String role) {}
