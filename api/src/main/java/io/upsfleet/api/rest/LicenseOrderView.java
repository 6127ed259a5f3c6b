package io.upsfleet.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A purchase order and its activation code. The full {@code code} is shown to support only; others
 * see {@code codeHint}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LicenseOrderView(
    String id,
    String poNumber,
    String channel,
    String installerEmail,
    String code,
    String codeHint,
    String accountId,
    Instant redeemedAt,
    Instant createdAt,
    String createdBy,
    List<EntitlementView> lines) {}
