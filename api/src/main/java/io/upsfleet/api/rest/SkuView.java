package io.upsfleet.api.rest;

/**
 * One entry of {@code GET /api/v1/skus}: {@code kind} {@code PLAN} or {@code WARRANTY}, {@code
 * plan} null for warranty SKUs, {@code term} an ISO-8601 period.
 */
public record SkuView(String sku, String kind, String plan, String term) {}
