package io.upsfleet.api.rest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/license-orders} (support): either one {@code sku} with its {@code
 * quantity}, or several {@code lines}. {@code channel} is {@code ONLINE} or {@code PARTNER}.
 */
public record LicenseOrderRequest(
    String poNumber,
    String sku,
    Integer quantity,
    List<Line> lines,
    String channel,
    String installerEmail) {

  /** One SKU and how many. */
  public record Line(String sku, Integer quantity) {}
}
