package io.upsfleet.cluster.licensing;

import com.typesafe.config.Config;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;

/**
 * Promotions are data ({@code upsfleet.licensing.promotions}), not code. Two kinds:
 *
 * <ul>
 *   <li>{@code activation-bonus}: an eligible SKU activated (assigned to a device) inside the
 *       window also gives a free term of the same plan ({@code bonus-term});
 *   <li>{@code volume-bonus}: an order placed inside the window with more than {@code more-than}
 *       eligible entitlements, counted over the whole order (every line and every SKU of the
 *       eligible set), gets {@code bonus-quantity} more; they are added to its largest eligible
 *       line (the first on a tie). At most one volume bonus applies to an order: the first that
 *       matches.
 * </ul>
 *
 * Windows are half-open: {@code starts} inclusive, {@code ends} exclusive. Outside its window a
 * promotion gives nothing. A promotion with {@code enabled = false} is kept in the configuration
 * (so the rule is visible) and gives nothing.
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
      int bonusQuantity,
      boolean enabled) {

    public Promotion(
        String id,
        String type,
        Instant starts,
        Instant ends,
        List<String> skus,
        Period bonusTerm,
        int moreThan,
        int bonusQuantity) {
      this(id, type, starts, ends, skus, bonusTerm, moreThan, bonusQuantity, true);
    }

    boolean activeAt(Instant at) {
      return enabled && !at.isBefore(starts) && at.isBefore(ends);
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
        boolean enabled = !c.hasPath("enabled") || c.getBoolean("enabled");
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
                      0,
                      enabled));
          case "volume-bonus" -> {
            int moreThan = c.getInt("more-than");
            int bonus = c.getInt("bonus-quantity");
            if (moreThan < 1 || bonus < 1)
              throw new IllegalArgumentException("more-than and bonus-quantity must be positive");
            out.add(
                new Promotion(
                    c.getString("id"), type, starts, ends, skus, null, moreThan, bonus, enabled));
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
   * The lines of an order placed at {@code at} with the volume bonus it earns: the eligible
   * entitlements of the whole order are counted, across its lines and SKUs, and the bonus goes to
   * the largest eligible line (the first on a tie). Lines keep their order; nothing is merged.
   */
  public List<OrderLine> withVolumeBonus(List<Licensing.LineRequest> lines, Instant at) {
    List<OrderLine> out = new ArrayList<>(lines.size());
    for (Licensing.LineRequest l : lines) out.add(new OrderLine(l.sku(), l.quantity(), 0, null));
    for (Promotion p : promotions) {
      if (!p.type().equals("volume-bonus") || !p.activeAt(at)) continue;
      int eligible = 0;
      int largest = -1;
      for (int i = 0; i < lines.size(); i++) {
        Licensing.LineRequest l = lines.get(i);
        if (!p.skus().contains(l.sku())) continue;
        eligible += l.quantity();
        if (largest < 0 || l.quantity() > lines.get(largest).quantity()) largest = i;
      }
      if (eligible > p.moreThan()) {
        OrderLine l = out.get(largest);
        out.set(largest, new OrderLine(l.sku(), l.quantity(), p.bonusQuantity(), p.id()));
        return out;
      }
    }
    return out;
  }
}
