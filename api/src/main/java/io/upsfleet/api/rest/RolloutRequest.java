package io.upsfleet.api.rest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/firmware-rollouts}: upgrade {@code serials} (1–10000 devices of one
 * account) to the catalogue's firmware, {@code concurrency} at a time (1–100, default 5), aborting
 * after {@code abortAfterFailures} failed upgrades (1–1000, default 3). Support names {@code
 * accountId}.
 */
public record RolloutRequest(
    String accountId, List<String> serials, Integer concurrency, Integer abortAfterFailures) {}
