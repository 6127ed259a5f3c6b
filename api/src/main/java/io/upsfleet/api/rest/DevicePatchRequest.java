package io.upsfleet.api.rest;

/**
 * Body of {@code PATCH /api/v1/devices/{serial}}: {@code siteId} puts the device in a site of its
 * account; an empty string takes it out of its site.
 */
public record DevicePatchRequest(String siteId) {}
