package io.upsfleet.cluster.licensing;

import com.typesafe.config.Config;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Promotions are data ({@code upsfleet.licensing.promotions}), not code. Two kinds:
 *
 * <ul>
 *   <li>{@code activation-bonus}: an eligible SKU activated (assigned to a device) inside the
 *       window also gives a free term of the same plan ({@code bonus-term});
 *   <li>{@code volume-bonus}: an order line of more than {@code more-than} eligible entitlements
 *       placed inside the window gets {@code bonus-quantity} more.
 * </ul>
 *
 * Windows are half-open: {@code starts} inclusive, {@code ends} exclusive. Outside its window a
 * promotion gives nothing.
 */
public final class Promotions {
  /** One configured promotion. */
  public record Promotion(
      String id,
      String type,
      Instant starts,
      Instant ends,
      List<String> skus,
      Period bonusTerm,
      int moreThan,
      int bonusQuantity) {
    boolean activeAt(Instant at) {
      return !at.isBefore(starts) && at.isBefore(ends);
    }
  }

  private final List<Promotion> promotions;

  public Promotions(List<Promotion> promotions) {
    this.promotions = List.copyOf(promotions);
  }

  public List<Promotion> all() {
    return promotions;
  }

  /**
   * Reads {@code upsfleet.licensing.promotions}, failing fast with the offending entry's index and
   * key.
   */
  public static Promotions fromConfig(Config root) {
    List<Promotion> out = new ArrayList<>();
    List<? extends Config> list = root.getConfigList("upsfleet.licensing.promotions");
    for (int i = 0; i < list.size(); i++) {
      Config c = list.get(i);
      String where = "upsfleet.licensing.promotions[" + i + "]";
      try {
        String type = c.getString("type");
        Instant starts = Instant.parse(c.getString("starts"));
        Instant ends = Instant.parse(c.getString("ends"));
        if (!ends.isAfter(starts)) throw new IllegalArgumentException("ends must be after starts");
        List<String> skus = c.getStringList("skus");
        for (String s : skus) {
          if (Sku.parse(s).filter(Sku::isLicense).isEmpty())
            throw new IllegalArgumentException("unknown license SKU " + s);
        }
        switch (type) {
          case "activation-bonus" ->
              out.add(
                  new Promotion(
                      c.getString("id"),
                      type,
                      starts,
                      ends,
                      skus,
                      c.getPeriod("bonus-term"),
                      0,
                      0));
          case "volume-bonus" -> {
            int moreThan = c.getInt("more-than");
            int bonus = c.getInt("bonus-quantity");
            if (moreThan < 1 || bonus < 1)
              throw new IllegalArgumentException("more-than and bonus-quantity must be positive");
            out.add(
                new Promotion(c.getString("id"), type, starts, ends, skus, null, moreThan, bonus));
          }
          default ->
              throw new IllegalArgumentException("type must be activation-bonus or volume-bonus");
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new Promotions(out);
  }

  /**
   * The bonus grants an activation of {@code sku} at {@code at} earns (empty outside every window).
   */
  public List<Grant> activationBonuses(Sku sku, Instant at) {
    List<Grant> out = new ArrayList<>();
    for (Promotion p : promotions) {
      if (p.type().equals("activation-bonus") && p.activeAt(at) && p.skus().contains(sku.code())) {
        Sku bonus = new Sku(sku.code(), Sku.Kind.LICENSE, sku.plan(), p.bonusTerm());
        out.add(new Grant(bonus, TermSource.PROMOTION, p.id()));
      }
    }
    return out;
  }

  /**
   * The volume bonus of an order line placed at {@code at}: the promotion and its bonus quantity.
   */
  public Optional<Promotion> volumeBonus(String sku, int quantity, Instant at) {
    return promotions.stream()
        .filter(
            p ->
                p.type().equals("volume-bonus")
                    && p.activeAt(at)
                    && p.skus().contains(sku)
                    && quantity > p.moreThan())
        .findFirst();
  }
}
