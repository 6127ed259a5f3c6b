package io.upsfleet.cluster.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upsfleet.cluster.device.DeviceModels;
import io.upsfleet.cluster.operation.FirmwareCatalog.Release;
import io.upsfleet.cluster.operation.FirmwareCatalog.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FirmwareCatalog}: the device's firmware string parsed strictly, versions ordered on
 * (major, minor), and an upgrade offered only from the same model family and hardware platform
 * (DOMAIN.md §6), never another family's and never an older or equal version.
 */
class FirmwareCatalogTest {

  // ---------------------------------------------------------------------------------- parsing

  @Test
  void parsesTheDevicesFirmwareString() {
    assertThat(FirmwareCatalog.parse("UPS 09.2 / ID=18")).contains(new Version(9, 2, 18));
    assertThat(FirmwareCatalog.parse("UPS 16.6 / ID=1027")).contains(new Version(16, 6, 1027));
    assertThat(FirmwareCatalog.parse("  UPS 09.8 / ID=18 "))
        .as("surrounding blanks")
        .contains(new Version(9, 8, 18));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "UPS",
        "UPS 09 / ID=18",
        "UPS 09.2",
        "UPS 09.2/ID=18",
        "ups 09.2 / ID=18",
        "UPS 09.2 / id=18",
        "UPS 09.2 / ID=",
        "UPS 09.2 / ID=18 beta",
        "UPS 0x9.2 / ID=18",
        "UPS 1234.2 / ID=18",
        "UPS 09.2 / ID=1234567",
        "UPS -9.2 / ID=18",
        "UPS 09.2 / ID=18\n/ ID=19"
      })
  void refusesAnythingElse(String firmware) {
    assertThat(FirmwareCatalog.parse(firmware)).isEmpty();
  }

  @Test
  void rendersAVersionTheWayTheDeviceSpellsIt() {
    assertThat(new Version(9, 2, 18).render()).isEqualTo("UPS 09.2 / ID=18");
    assertThat(new Version(16, 6, 1027).render()).isEqualTo("UPS 16.6 / ID=1027");
  }

  @Property
  void renderAndParseRoundTrip(
      @ForAll @IntRange(min = 0, max = 999) int major,
      @ForAll @IntRange(min = 0, max = 999) int minor,
      @ForAll @IntRange(min = 0, max = 999_999) int platform) {
    Version v = new Version(major, minor, platform);
    assertThat(FirmwareCatalog.parse(v.render())).contains(v);
  }

  // ---------------------------------------------------------------------------------- ordering

  @Test
  void versionsAreOrderedNumericallyOnMajorThenMinor() {
    List<Version> shuffled =
        new ArrayList<>(
            List.of(
                new Version(10, 0, 18),
                new Version(9, 10, 18),
                new Version(9, 2, 18),
                new Version(9, 9, 18),
                new Version(1, 99, 18)));
    Collections.shuffle(shuffled);
    Collections.sort(shuffled);
    assertThat(shuffled)
        .containsExactly(
            new Version(1, 99, 18),
            new Version(9, 2, 18),
            new Version(9, 9, 18),
            new Version(9, 10, 18),
            new Version(10, 0, 18));
    assertThat(new Version(9, 2, 18).compareTo(new Version(9, 2, 1027)))
        .as("the platform is no part of the order")
        .isZero();
  }

  // ---------------------------------------------------------------------------------- the
  // catalogue

  @Test
  void theCatalogueOffersTheNewerReleaseOfTheSameFamilyAndPlatform() {
    Release r = FirmwareCatalog.upgradeFor("SMT", "UPS 09.2 / ID=18").orElseThrow();
    assertThat(r.family()).isEqualTo("SMT");
    assertThat(r.platformId()).isEqualTo(18);
    assertThat(r.version().render()).isEqualTo("UPS 09.8 / ID=18");
    assertThat(r.loadUnprotectedDuringUpgrade()).isTrue();
    assertThat(r.releaseNotes()).isNotBlank();
    assertThat(
            FirmwareCatalog.upgradeFor("SMT", "UPS 16.1 / ID=1027")
                .orElseThrow()
                .version()
                .render())
        .isEqualTo("UPS 16.6 / ID=1027");
  }

  @Test
  void nothingIsOfferedToADeviceThatIsUpToDateOrAhead() {
    assertThat(FirmwareCatalog.upgradeFor("SMT", "UPS 09.8 / ID=18")).isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("SMT", "UPS 09.10 / ID=18"))
        .as("9.10 is after 9.8")
        .isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("SMT", "UPS 10.0 / ID=18")).isEmpty();
  }

  @Test
  void neverAnotherFamilysOrPlatformsRelease() {
    assertThat(FirmwareCatalog.upgradeFor("SMT", "UPS 01.0 / ID=1040"))
        .as("SMTL's platform")
        .isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("SMTL", "UPS 09.2 / ID=18"))
        .as("SMT's platform")
        .isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("SMX", "UPS 09.2 / ID=18")).isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("SMT", "UPS 09.2 / ID=19"))
        .as("an unknown platform")
        .isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("XYZ", "UPS 09.2 / ID=18"))
        .as("an unknown family")
        .isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("SMT", "garbage")).isEmpty();
    assertThat(FirmwareCatalog.upgradeFor("SMT", null)).isEmpty();
  }

  @Test
  void everyOfferMatchesTheAskedFamilyAndPlatformForEveryCombinationInTheCatalogue() {
    Set<String> families =
        FirmwareCatalog.all().stream().map(Release::family).collect(Collectors.toSet());
    Set<Integer> platforms =
        FirmwareCatalog.all().stream().map(Release::platformId).collect(Collectors.toSet());
    for (String family : families) {
      for (int platform : platforms) {
        Optional<Release> offer =
            FirmwareCatalog.upgradeFor(family, new Version(0, 0, platform).render());
        boolean exists =
            FirmwareCatalog.all().stream()
                .anyMatch(r -> r.family().equals(family) && r.platformId() == platform);
        assertThat(offer.isPresent()).as(family + " on " + platform).isEqualTo(exists);
        offer.ifPresent(
            r -> {
              assertThat(r.family()).isEqualTo(family);
              assertThat(r.platformId()).isEqualTo(platform);
              assertThat(r.version().platformId()).isEqualTo(platform);
            });
      }
    }
  }

  @Test
  void latestIsTheHighestVersionOfAFamilyAndPlatform() {
    for (Release r : FirmwareCatalog.all()) {
      Release latest = FirmwareCatalog.latest(r.family(), r.platformId()).orElseThrow();
      assertThat(latest.version().compareTo(r.version())).isGreaterThanOrEqualTo(0);
    }
    assertThat(FirmwareCatalog.latest("SMT", 99)).isEmpty();
  }

  @Test
  void theReferenceDataIsConsistent() {
    assertThat(FirmwareCatalog.all()).isNotEmpty();
    Set<String> modelFamilies =
        DeviceModels.all().values().stream()
            .map(DeviceModels.Model::family)
            .collect(Collectors.toSet());
    for (Release r : FirmwareCatalog.all()) {
      assertThat(modelFamilies).as("family of " + r).contains(r.family());
      assertThat(r.version().platformId())
          .as("the version names the release's platform")
          .isEqualTo(r.platformId());
      assertThat(FirmwareCatalog.parse(r.version().render())).contains(r.version());
    }
    assertThatThrownBy(() -> FirmwareCatalog.all().add(FirmwareCatalog.all().get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
