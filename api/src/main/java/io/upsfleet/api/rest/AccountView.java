package io.upsfleet.api.rest;

import java.time.Instant;

/** A customer account. */
public record AccountView(String id, String name, Instant createdAt) {}
