package io.upsfleet.cluster.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Promotions are data (DOMAIN.md §5): a half-open window, eligible SKUs and a bonus. An activation
 * outside the window gets nothing; a volume bonus needs strictly more than its threshold; a bad
 * entry fails at start-up naming itself and its key.
 */
class PromotionsTest {

  private static final Instant STARTS = Instant.parse("2024-06-01T00:00:00Z");
  private static final Instant ENDS = Instant.parse("2025-01-01T00:00:00Z");

  private static Promotions parse(String promotions) {
    return Promotions.fromConfig(config(promotions));
  }

  private static Config config(String promotions) {
    return ConfigFactory.parseString("upsfleet.licensing.promotions = " + promotions).resolve();
  }

  private static Sku sku(String code) {
    return Sku.parse(code).orElseThrow();
  }

  private static final String ACTIVATION =
      """
      { id = "advanced-2024", type = activation-bonus, starts = "2024-06-01T00:00:00Z", ends = "2025-01-01T00:00:00Z",
        skus = ["SMARTCONNECT-ADVANCED-1Y", "SMARTCONNECT-ADVANCED-3Y"], bonus-term = 1y }""";

  private static final String VOLUME =
      """
      { id = "volume-2024", type = volume-bonus, starts = "2024-06-01T00:00:00Z", ends = "2025-01-01T00:00:00Z",
        skus = ["SMARTCONNECT-STANDARD-1Y", "SMARTCONNECT-ADVANCED-1Y"], more-than = 10, bonus-quantity = 2 }""";

  private static final Promotions BOTH = parse("[" + ACTIVATION + ", " + VOLUME + "]");

  @Test
  void theShippedDefaultsAreTheAdvanced2024ActivationBonusAndADisabledVolumeBonus() {
    Promotions shipped = Promotions.fromConfig(ConfigFactory.defaultReference().resolve());
    assertThat(shipped.all()).hasSize(2);
    assertThat(shipped.all().get(0))
        .satisfies(
            p -> {
              assertThat(p.id()).isEqualTo("advanced-2024");
              assertThat(p.type()).isEqualTo("activation-bonus");
              assertThat(p.enabled()).isTrue();
              assertThat(p.starts()).isEqualTo(STARTS);
              assertThat(p.ends()).isEqualTo(ENDS);
              assertThat(p.skus())
                  .containsExactly("SMARTCONNECT-ADVANCED-1Y", "SMARTCONNECT-ADVANCED-3Y");
              assertThat(p.bonusTerm()).isEqualTo(Period.ofYears(1));
            });
    assertThat(shipped.all().get(1))
        .satisfies(
            p -> {
              assertThat(p.type()).isEqualTo("volume-bonus");
              assertThat(p.enabled()).as("shipped disabled").isFalse();
              assertThat(p.moreThan()).isEqualTo(10);
            });
    assertThat(
            shipped.withVolumeBonus(
                List.of(line("SMARTCONNECT-STANDARD-1Y", 50)),
                Instant.parse("2024-07-01T00:00:00Z")))
        .as("a disabled promotion gives nothing, even inside its window")
        .containsExactly(new OrderLine("SMARTCONNECT-STANDARD-1Y", 50, 0, null));
  }

  private static Licensing.LineRequest line(String sku, int quantity) {
    return new Licensing.LineRequest(sku, quantity);
  }

  private static int bonusOf(List<OrderLine> lines) {
    return lines.stream().mapToInt(OrderLine::bonus).sum();
  }

  @Test
  void noPromotionsIsValid() {
    assertThat(parse("[]").all()).isEmpty();
    assertThat(parse("[]").activationBonuses(sku("SMARTCONNECT-ADVANCED-1Y"), STARTS)).isEmpty();
  }

  // ----------------------------------------------------------------------------------------
  // activation bonus

  @Nested
  class ActivationBonus {

    @Test
    void anEligibleSkuActivatedInsideTheWindowEarnsAFreeTermOfTheSamePlan() {
      Instant inside = Instant.parse("2024-09-15T12:00:00Z");
      assertThat(BOTH.activationBonuses(sku("SMARTCONNECT-ADVANCED-3Y"), inside))
          .containsExactly(
              new Grant(
                  new Sku(
                      "SMARTCONNECT-ADVANCED-3Y",
                      Sku.Kind.LICENSE,
                      Plan.ADVANCED,
                      Period.ofYears(1)),
                  TermSource.PROMOTION,
                  "advanced-2024"));
    }

    @Test
    void theWindowStartIsInclusive() {
      assertThat(BOTH.activationBonuses(sku("SMARTCONNECT-ADVANCED-1Y"), STARTS)).hasSize(1);
      assertThat(BOTH.activationBonuses(sku("SMARTCONNECT-ADVANCED-1Y"), STARTS.minusNanos(1)))
          .isEmpty();
    }

    @Test
    void theWindowEndIsExclusive() {
      assertThat(BOTH.activationBonuses(sku("SMARTCONNECT-ADVANCED-1Y"), ENDS.minusNanos(1)))
          .hasSize(1);
      assertThat(BOTH.activationBonuses(sku("SMARTCONNECT-ADVANCED-1Y"), ENDS)).isEmpty();
    }

    @Test
    void anActivationOutsideTheWindowGetsNoBonus() {
      assertThat(
              BOTH.activationBonuses(
                  sku("SMARTCONNECT-ADVANCED-1Y"), Instant.parse("2023-06-01T00:00:00Z")))
          .isEmpty();
      assertThat(
              BOTH.activationBonuses(
                  sku("SMARTCONNECT-ADVANCED-1Y"), Instant.parse("2026-06-01T00:00:00Z")))
          .isEmpty();
    }

    @Test
    void onlyTheEligibleSkusEarnABonus() {
      Instant inside = Instant.parse("2024-09-15T12:00:00Z");
      assertThat(BOTH.activationBonuses(sku("SMARTCONNECT-ADVANCED-5Y"), inside)).isEmpty();
      assertThat(BOTH.activationBonuses(sku("SMARTCONNECT-STANDARD-1Y"), inside))
          .as("a volume-bonus SKU earns no activation bonus")
          .isEmpty();
      assertThat(BOTH.activationBonuses(sku("WEXTWAR"), inside)).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------- volume
  // bonus

  @Nested
  class VolumeBonus {
    private final Instant inside = Instant.parse("2024-07-01T00:00:00Z");

    @Test
    void exactlyTheThresholdGetsNothing() {
      assertThat(
              bonusOf(BOTH.withVolumeBonus(List.of(line("SMARTCONNECT-STANDARD-1Y", 10)), inside)))
          .isZero();
    }

    @Test
    void oneMoreThanTheThresholdGetsTheBonusQuantity() {
      assertThat(BOTH.withVolumeBonus(List.of(line("SMARTCONNECT-STANDARD-1Y", 11)), inside))
          .containsExactly(new OrderLine("SMARTCONNECT-STANDARD-1Y", 11, 2, "volume-2024"));
    }

    /**
     * FAQ §9: "Buy > 10 plans and get additional plans for free." DOMAIN.md §5: the plans of the
     * whole order count, across its lines.
     */
    @Test
    void buyingMoreThanTenPlansCountsThePlansOfTheWholeOrderAcrossLinesAndSkus() {
      List<OrderLine> lines =
          BOTH.withVolumeBonus(
              List.of(
                  line("SMARTCONNECT-STANDARD-1Y", 4),
                  line("SMARTCONNECT-ADVANCED-1Y", 6),
                  line("SMARTCONNECT-STANDARD-1Y", 1)),
              inside);
      assertThat(lines)
          .as("4 + 6 + 1 = 11 eligible plans: the bonus goes to the largest eligible line")
          .containsExactly(
              new OrderLine("SMARTCONNECT-STANDARD-1Y", 4, 0, null),
              new OrderLine("SMARTCONNECT-ADVANCED-1Y", 6, 2, "volume-2024"),
              new OrderLine("SMARTCONNECT-STANDARD-1Y", 1, 0, null));
    }

    @Test
    void ineligibleLinesOfTheOrderDoNotCount() {
      List<OrderLine> lines =
          BOTH.withVolumeBonus(
              List.of(
                  line("SMARTCONNECT-STANDARD-1Y", 5),
                  line("SMARTCONNECT-ADVANCED-1Y", 5),
                  line("SMARTCONNECT-STANDARD-3Y", 100)),
              inside);
      assertThat(bonusOf(lines)).as("5 + 5 eligible, the 3Y line is not in the set").isZero();
    }

    @Test
    void anIneligibleSkuGetsNothingWhateverTheQuantity() {
      assertThat(
              bonusOf(
                  BOTH.withVolumeBonus(List.of(line("SMARTCONNECT-STANDARD-3Y", 1000)), inside)))
          .isZero();
      assertThat(
              bonusOf(
                  BOTH.withVolumeBonus(List.of(line("SMARTCONNECT-ADVANCED-3Y", 1000)), inside)))
          .as("only an activation-bonus SKU")
          .isZero();
    }

    @Test
    void theWindowIsHalfOpen() {
      List<Licensing.LineRequest> order = List.of(line("SMARTCONNECT-ADVANCED-1Y", 11));
      assertThat(bonusOf(BOTH.withVolumeBonus(order, STARTS))).isEqualTo(2);
      assertThat(bonusOf(BOTH.withVolumeBonus(order, STARTS.minusNanos(1)))).isZero();
      assertThat(bonusOf(BOTH.withVolumeBonus(order, ENDS.minusNanos(1)))).isEqualTo(2);
      assertThat(bonusOf(BOTH.withVolumeBonus(order, ENDS))).isZero();
    }
  }

  // ---------------------------------------------------------------------------------------- config
  // errors

  @Nested
  class ConfigErrors {

    private void failsNaming(String entries, String... fragments) {
      assertThatThrownBy(() -> parse(entries))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContainingAll(fragments);
    }

    @Test
    void anUnknownTypeFailsNamingTheEntry() {
      failsNaming(
          "["
              + ACTIVATION
              + ", { id = x, type = buy-one-get-one, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [] }]",
          "upsfleet.licensing.promotions[1]",
          "type");
    }

    @Test
    void anEndBeforeTheStartFails() {
      failsNaming(
          "[{ id = x, type = activation-bonus, starts = \"2025-01-01T00:00:00Z\","
              + " ends = \"2024-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"], bonus-term = 1y }]",
          "upsfleet.licensing.promotions[0]",
          "ends");
    }

    @Test
    void anEmptyWindowFails() {
      failsNaming(
          "[{ id = x, type = activation-bonus, starts = \"2025-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"], bonus-term = 1y }]",
          "upsfleet.licensing.promotions[0]",
          "ends");
    }

    @Test
    void aStartThatIsNoInstantFails() {
      failsNaming(
          "[{ id = x, type = activation-bonus, starts = \"June 2024\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"], bonus-term = 1y }]",
          "upsfleet.licensing.promotions[0]",
          "June 2024");
    }

    @Test
    void anUnknownSkuFailsNamingIt() {
      failsNaming(
          "[{ id = x, type = activation-bonus, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-PLATINUM-1Y\"], bonus-term = 1y }]",
          "upsfleet.licensing.promotions[0]",
          "SMARTCONNECT-PLATINUM-1Y");
    }

    @Test
    void aWarrantySkuIsNotEligible() {
      failsNaming(
          "[{ id = x, type = volume-bonus, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"WEXTWAR\"], more-than = 10, bonus-quantity = 1 }]",
          "upsfleet.licensing.promotions[0]",
          "WEXTWAR");
    }

    @Test
    void aMissingBonusTermFailsNamingTheKey() {
      failsNaming(
          "[{ id = x, type = activation-bonus, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"] }]",
          "upsfleet.licensing.promotions[0]",
          "'bonus-term'");
    }

    @Test
    void aMissingIdFailsNamingTheKey() {
      failsNaming(
          "[{ type = activation-bonus, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"], bonus-term = 1y }]",
          "upsfleet.licensing.promotions[0]",
          "'id'");
    }

    @Test
    void aVolumeBonusNeedsAPositiveThresholdAndQuantity() {
      failsNaming(
          "[{ id = x, type = volume-bonus, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"], more-than = 0, bonus-quantity = 1 }]",
          "upsfleet.licensing.promotions[0]",
          "more-than");
      failsNaming(
          "[{ id = x, type = volume-bonus, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"], more-than = 10, bonus-quantity = 0 }]",
          "upsfleet.licensing.promotions[0]",
          "bonus-quantity");
    }

    @Test
    void aMissingMoreThanFailsNamingTheKey() {
      failsNaming(
          "[{ id = x, type = volume-bonus, starts = \"2024-01-01T00:00:00Z\","
              + " ends = \"2025-01-01T00:00:00Z\", skus = [\"SMARTCONNECT-ADVANCED-1Y\"], bonus-quantity = 1 }]",
          "upsfleet.licensing.promotions[0]",
          "more-than");
    }
  }

  @Test
  void promotionsAreCopiedSoTheCallerCannotChangeThem() {
    List<Promotions.Promotion> list = new ArrayList<>(BOTH.all());
    Promotions p = new Promotions(list);
    list.clear();
    assertThat(p.all()).hasSize(2);
  }
}
