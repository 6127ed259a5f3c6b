package io.upsfleet.cluster.plan;

import io.upsfleet.cluster.CborSerializable;

/**
 * One thing an assignment gives a device: the SKU's plan term or warranty extension, or a
 * promotion's bonus term (then {@code source} is {@link TermSource#PROMOTION} and {@code bonusId}
 * names the promotion).
 */
public record Grant(Sku sku, TermSource source, String bonusId) implements CborSerializable {}
