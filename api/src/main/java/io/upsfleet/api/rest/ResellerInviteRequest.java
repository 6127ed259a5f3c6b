package io.upsfleet.api.rest;

/** Body of {@code POST /api/v1/accounts/{id}/reseller}: the preferred reseller's e-mail. */
public record ResellerInviteRequest(String email) {}
