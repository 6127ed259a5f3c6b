package io.upsfleet.cluster.licensing;

import io.upsfleet.cluster.CborSerializable;

/**
 * One line of a purchase order: {@code quantity} entitlements of {@code sku}, plus {@code bonus}
 * free ones from a volume promotion.
 */
public record OrderLine(String sku, int quantity, int bonus, String bonusPromotion)
    implements CborSerializable {
  public int total() {
    return quantity + bonus;
  }
}
