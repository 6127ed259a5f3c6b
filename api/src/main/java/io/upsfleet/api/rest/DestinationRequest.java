package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/accounts/{id}/notification-destinations}: {@code type} one of {@code
 * EMAIL}, {@code SLACK}, {@code TEAMS}, {@code WEBHOOK}; {@code url} for the last three, {@code
 * email} for the first.
 */
public record DestinationRequest(String type, String name, String url, String email) {}
