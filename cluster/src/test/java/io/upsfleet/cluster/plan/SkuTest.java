package io.upsfleet.cluster.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Period;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The orderable products: plan licenses (a plan and a 1/3/5-year term) and extended warranties. */
class SkuTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "SMARTCONNECT-STANDARD-1Y, STANDARD, 1",
    "SMARTCONNECT-STANDARD-3Y, STANDARD, 3",
    "SMARTCONNECT-STANDARD-5Y, STANDARD, 5",
    "SMARTCONNECT-ADVANCED-1Y, ADVANCED, 1",
    "SMARTCONNECT-ADVANCED-3Y, ADVANCED, 3",
    "SMARTCONNECT-ADVANCED-5Y, ADVANCED, 5"
  })
  void aLicenseIsAPlanAndATermOfOneThreeOrFiveYears(String code, Plan plan, int years) {
    Sku sku = Sku.parse(code).orElseThrow();
    assertThat(sku).isEqualTo(new Sku(code, Sku.Kind.LICENSE, plan, Period.ofYears(years)));
    assertThat(sku.isLicense()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "WEXTWAR, WARRANTY, 1",
    "WEXTWAR-1Y, WARRANTY, 1",
    "WEXTWAR-3Y, WARRANTY, 3",
    "WBEXTWAR, BATTERY_WARRANTY, 1",
    "WBEXTWAR-1Y, BATTERY_WARRANTY, 1",
    "WBEXTWAR-3Y, BATTERY_WARRANTY, 3"
  })
  void anExtendedWarrantyHasNoPlanAndDefaultsToOneYear(String code, Sku.Kind kind, int years) {
    Sku sku = Sku.parse(code).orElseThrow();
    assertThat(sku).isEqualTo(new Sku(code, kind, null, Period.ofYears(years)));
    assertThat(sku.isLicense()).isFalse();
  }

  @Test
  void theListedSkusAreExactlyTheParseableOnes() {
    assertThat(Sku.LICENSE_SKUS)
        .hasSize(6)
        .allSatisfy(
            c ->
                assertThat(Sku.parse(c))
                    .hasValueSatisfying(s -> assertThat(s.isLicense()).isTrue()));
    assertThat(Sku.WARRANTY_SKUS)
        .hasSize(6)
        .allSatisfy(
            c ->
                assertThat(Sku.parse(c))
                    .hasValueSatisfying(s -> assertThat(s.isLicense()).isFalse()));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "",
        "SMARTCONNECT-BASIC-1Y",
        "SMARTCONNECT-STANDARD-2Y",
        "SMARTCONNECT-ADVANCED-10Y",
        "SMARTCONNECT-STANDARD-1",
        "smartconnect-standard-1y",
        " SMARTCONNECT-STANDARD-1Y",
        "SMARTCONNECT-STANDARD-1Y ",
        "SMARTCONNECT-STANDARD-1Y\n",
        "WEXTWAR-5Y",
        "WEXTWAR-2Y",
        "WEXTWAR1Y",
        "wextwar",
        "WBEXTWAR-",
        "EXTWAR",
        "SMARTCONNECT-STANDARD-1YSMARTCONNECT-STANDARD-1Y"
      })
  void anythingElseIsNoSku(String code) {
    assertThat(Sku.parse(code)).isEmpty();
  }

  @ParameterizedTest
  @NullSource
  void nullIsNoSku(String code) {
    assertThat(Sku.parse(code)).isEqualTo(Optional.empty());
  }

  @Test
  void anAbsurdlyLongInputIsRefusedWithoutMatching() {
    assertThat(Sku.parse("W".repeat(100_000))).isEmpty();
  }
}
