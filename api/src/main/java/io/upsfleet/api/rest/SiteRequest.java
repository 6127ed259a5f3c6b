package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/accounts/{id}/sites}: a name (unique in the account), optionally an
 * address and an IANA time zone (e.g. {@code Europe/Paris}, used in messages).
 */
public record SiteRequest(String name, String address, String timeZone) {}
