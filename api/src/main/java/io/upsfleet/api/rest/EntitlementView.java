package io.upsfleet.api.rest;

/**
 * Entitlements of one SKU: bought ({@code quantity}), free ({@code bonus}), applied to devices
 * ({@code used}), being applied ({@code pending}) and left ({@code available}).
 */
public record EntitlementView(
    String sku, int quantity, int bonus, int used, int pending, int available) {}
