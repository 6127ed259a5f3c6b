package io.upsfleet.cluster.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The capability table of DOMAIN.md §4, row by row, and the refusal that names the plan needed. */
class FeatureTest {

  /** DOMAIN.md §4: capability, Basic, Standard, Advanced. */
  static Stream<Arguments> theTable() {
    return Stream.of(
        Arguments.of(Feature.LIVE_STATUS, true, true, true),
        Arguments.of(Feature.EVENT_LOG, false, true, true),
        Arguments.of(Feature.NOTIFICATIONS, false, true, true),
        Arguments.of(Feature.REMOTE_SELF_TEST, false, true, true),
        Arguments.of(Feature.REMOTE_FIRMWARE_UPGRADE, false, true, true),
        // Seed: every registered, connected device receives firmware; on Basic it is installed
        // from the UPS's LCD (issue 12).
        Arguments.of(Feature.FIRMWARE_OFFER, true, true, true),
        Arguments.of(Feature.INPUT_SENSITIVITY, false, true, true),
        Arguments.of(Feature.REPORTS, true, true, true),
        Arguments.of(Feature.OUTLET_GROUP_REBOOT, false, false, true));
  }

  @ParameterizedTest(name = "{0}: Basic {1}, Standard {2}, Advanced {3}")
  @MethodSource("theTable")
  void eachCapabilityIsUnlockedExactlyByThePlansOfTheDomainTable(
      Feature f, boolean basic, boolean standard, boolean advanced) {
    assertThat(f.allowedOn(Plan.BASIC)).isEqualTo(basic);
    assertThat(f.allowedOn(Plan.STANDARD)).isEqualTo(standard);
    assertThat(f.allowedOn(Plan.ADVANCED)).isEqualTo(advanced);
    assertThat(f.check(Plan.BASIC).isEmpty()).isEqualTo(basic);
    assertThat(f.check(Plan.STANDARD).isEmpty()).isEqualTo(standard);
    assertThat(f.check(Plan.ADVANCED).isEmpty()).isEqualTo(advanced);
  }

  @Test
  void theTableCoversEveryFeature() {
    assertThat(theTable().map(a -> (Feature) a.get()[0]))
        .containsExactlyInAnyOrder(Feature.values());
  }

  @Test
  void outletGroupRebootOnStandardIsRefusedNamingTheAdvancedPlan() {
    assertThat(Feature.OUTLET_GROUP_REBOOT.check(Plan.STANDARD))
        .contains("remote outlet-group reboot needs the Advanced plan; the device is on Standard");
  }

  @Test
  void firmwareUpgradeOnBasicIsRefusedNamingTheStandardPlan() {
    assertThat(Feature.REMOTE_FIRMWARE_UPGRADE.check(Plan.BASIC))
        .contains(
            "one-click remote firmware upgrade needs the Standard plan; the device is on Basic");
  }

  @ParameterizedTest
  @EnumSource(Feature.class)
  void everyRefusalNamesThePlanNeededAndTheCurrentPlan(Feature f) {
    for (Plan p : Plan.values()) {
      f.check(p)
          .ifPresent(
              message -> {
                String needed = title(f.minimumPlan());
                assertThat(message)
                    .contains(f.description())
                    .contains("needs the " + needed + " plan")
                    .endsWith("the device is on " + title(p));
              });
    }
  }

  @Test
  void theMinimumPlanIsTheLowestPlanThatAllowsTheFeature() {
    for (Feature f : Feature.values()) {
      Plan lowest = Arrays.stream(Plan.values()).filter(f::allowedOn).findFirst().orElseThrow();
      assertThat(f.minimumPlan()).as(f.name()).isEqualTo(lowest);
    }
  }

  private static String title(Plan p) {
    String n = p.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }
}
