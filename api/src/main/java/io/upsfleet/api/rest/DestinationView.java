package io.upsfleet.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A notification destination. {@code secret} (the webhook signing key) is present only in the
 * answer that created a {@code WEBHOOK} destination: it is never shown again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestinationView(
    String id,
    String type,
    String name,
    String url,
    String email,
    String secret,
    Instant createdAt) {}
