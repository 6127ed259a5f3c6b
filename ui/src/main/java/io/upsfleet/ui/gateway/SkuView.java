package io.upsfleet.ui.gateway;

/**
 * One entry of {@code GET /api/v1/skus}. The api module has no record for it (the gateway writes a
 * map), so the console reads it into this one; {@code plan} is null for warranty SKUs, {@code term}
 * an ISO period.
 */
public record SkuView(String sku, String kind, String plan, String term) {}
