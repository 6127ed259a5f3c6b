package io.upsfleet.api.rest;

/**
 * Answer of {@code POST /api/v1/devices/{serial}/secret}: the device's new secret, shown once. The
 * previous secret keeps working until the device first connects with this one, or until the grace
 * period ({@code upsfleet.devices.secret-rotation-grace}, 24 h) ends.
 */
public record DeviceSecret(String serial, String secret) {}
