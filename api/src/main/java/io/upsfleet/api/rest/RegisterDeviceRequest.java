package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/devices}. {@code accountId} may be omitted by an account admin (their
 * own account is used); support must name it.
 */
public record RegisterDeviceRequest(String serial, String model, String accountId) {}
