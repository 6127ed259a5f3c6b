package io.upsfleet.api.rest;

import java.time.Instant;

/**
 * An account's preferred-reseller consent and invitation.
 *
 * @param accountId the consenting account
 * @param resellerEmail the reseller
 * @param scope what is shared (lifecycle data only)
 * @param consentedBy who consented
 * @param consentedAt when
 * @param expiresAt until when the invitation may be accepted
 * @param acceptedAt when the reseller accepted, or null
 * @param revokedAt when the consent was revoked, or null
 * @param revokedBy who revoked it, or null
 * @param status {@code INVITED}, {@code ACCEPTED}, {@code EXPIRED} or {@code REVOKED}
 */
public record ResellerView(
    String accountId,
    String resellerEmail,
    String scope,
    String consentedBy,
    Instant consentedAt,
    Instant expiresAt,
    Instant acceptedAt,
    Instant revokedAt,
    String revokedBy,
    String status) {}
