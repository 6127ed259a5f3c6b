package io.upsfleet.api.rest;

/** Body of {@code POST /api/v1/devices/{serial}/transfer}: the account the device moves to. */
public record TransferRequest(String accountId) {}
