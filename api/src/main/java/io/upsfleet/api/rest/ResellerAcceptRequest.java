package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/reseller/accept}: the single-use code of the invitation e-mail and
 * the password of the reseller's user (its username is the invited e-mail; ignored when the
 * reseller has a user already).
 */
public record ResellerAcceptRequest(String code, String password) {}
