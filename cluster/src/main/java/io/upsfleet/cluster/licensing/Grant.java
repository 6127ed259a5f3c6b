package io.upsfleet.cluster.licensing;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;

/**
 * One thing an assignment gives a device: the SKU's plan term or warranty extension, or a
 * promotion's bonus term (then {@code source} is {@link TermSource#PROMOTION} and {@code bonusId}
 * names the promotion).
 */
public record Grant(Sku sku, TermSource source, String bonusId) implements CborSerializable {}
