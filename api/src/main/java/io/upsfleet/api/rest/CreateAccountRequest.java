package io.upsfleet.api.rest;

/** Body of {@code POST /api/v1/accounts} (support only). */
public record CreateAccountRequest(String name) {}
