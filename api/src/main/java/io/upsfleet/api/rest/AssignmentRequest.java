package io.upsfleet.api.rest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/assignments}: one entitlement of each of {@code skus} (in order; they
 * stack) to each device of {@code serials}. {@code skus} may be omitted when the code has one SKU.
 * With {@code preview} nothing is applied. Support names {@code accountId}.
 */
public record AssignmentRequest(
    String code, List<String> serials, List<String> skus, Boolean preview, String accountId) {}
