package io.upsfleet.api.rest;

/** Body of {@code POST /api/v1/auth/token}. */
public record TokenRequest(String username, String password) {}
