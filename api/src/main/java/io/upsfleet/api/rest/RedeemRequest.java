package io.upsfleet.api.rest;

/**
 * Optional body of {@code POST /api/v1/activation-codes/{code}/redeem}: support names the account.
 */
public record RedeemRequest(String accountId) {}
