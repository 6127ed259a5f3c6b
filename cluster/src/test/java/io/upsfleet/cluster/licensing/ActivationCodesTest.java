package io.upsfleet.cluster.licensing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Activation codes: 25 random Crockford base-32 symbols (125 bits) in five dash-separated groups;
 * typed input is normalised (case, dashes, spaces, O→0, I/L→1) and anything else is refused.
 */
class ActivationCodesTest {

  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final Pattern FORMAT =
      Pattern.compile("[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}");

  @Test
  void aCodeIsFiveGroupsOfFiveCrockfordSymbols() {
    for (int i = 0; i < 1000; i++) {
      String code = ActivationCodes.generate();
      assertThat(code).matches(FORMAT).hasSize(29).doesNotContain("I", "L", "O", "U");
    }
  }

  @Test
  void aCodeCarriesAtLeast120BitsOfEntropy() {
    // 25 symbols of a 32-symbol alphabet: 25 × log2(32) = 125 bits.
    assertThat(25 * (Math.log(CROCKFORD.length()) / Math.log(2))).isGreaterThanOrEqualTo(120);
  }

  @Test
  void generatedCodesAreDistinctAndUseTheWholeAlphabetUniformly() {
    int n = 20_000;
    Set<String> seen = new HashSet<>();
    Map<Character, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String code = ActivationCodes.generate();
      assertThat(seen.add(code)).as("duplicate %s", code).isTrue();
      for (char c : code.replace("-", "").toCharArray()) counts.merge(c, 1, Integer::sum);
    }
    assertThat(counts.keySet()).hasSize(32);
    double expected = n * 25.0 / 32;
    // Each symbol within ±6 % of its expected count (≈15 000, σ ≈ 120): a biased generator fails.
    counts.forEach(
        (c, k) ->
            assertThat((double) k)
                .as("count of %s", c)
                .isBetween(expected * 0.94, expected * 1.06));
  }

  @Test
  void aGeneratedCodeIsAlreadyCanonical() {
    for (int i = 0; i < 200; i++) {
      String code = ActivationCodes.generate();
      assertThat(ActivationCodes.normalize(code)).contains(code);
    }
  }

  // ----------------------------------------------------------------------------------------
  // normalisation

  @Test
  void lowerCaseWithoutDashesIsTheSameCode() {
    assertThat(ActivationCodes.normalize("7kq2mxw9rt0hc4dj8nvb3fpzs"))
        .contains("7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS");
  }

  @Test
  void spacesAndExtraDashesAreIgnored() {
    assertThat(ActivationCodes.normalize(" 7KQ2M XW9RT--0HC4D - J8NVB 3FPZS "))
        .contains("7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS");
  }

  @Test
  void theLetterOIsReadAsZero() {
    assertThat(ActivationCodes.normalize("7KQ2M-XW9RT-OHC4D-J8NVB-3FPZS"))
        .contains("7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS");
    assertThat(ActivationCodes.normalize("oooo0-00000-00000-00000-00000"))
        .contains("00000-00000-00000-00000-00000");
  }

  @Test
  void theLettersIAndLAreReadAsOne() {
    assertThat(ActivationCodes.normalize("IlLi1-11111-11111-11111-11111"))
        .contains("11111-11111-11111-11111-11111");
  }

  @Property
  void anyCodeTypedWithLookAlikesAndSloppyFormattingNormalisesBack(@ForAll("typos") String[] pair) {
    assertThat(ActivationCodes.normalize(pair[1])).contains(pair[0]);
  }

  @Provide
  Arbitrary<String[]> typos() {
    return Arbitraries.randomValue(
        r -> {
          String code = ActivationCodes.generate();
          StringBuilder typed = new StringBuilder();
          for (char c : code.toCharArray()) {
            if (c == '-') {
              typed.append(r.nextInt(3) == 0 ? "" : r.nextBoolean() ? "-" : " ");
              continue;
            }
            char t = c;
            if (c == '0' && r.nextBoolean()) t = 'O';
            if (c == '1') t = "1IiLl".charAt(r.nextInt(5));
            if (r.nextBoolean()) t = Character.toLowerCase(t);
            typed.append(t);
          }
          return new String[] {code, typed.toString()};
        });
  }

  // ---------------------------------------------------------------------------------------- junk

  @ParameterizedTest(name = "\"{0}\"")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZ", // 24 symbols
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZSA", // 26 symbols
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZU", // U is not Crockford
        "7KQ2M_XW9RT_0HC4D_J8NVB_3FPZS", // underscores
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZ!",
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZ\u00e9",
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZ\u0661", // Arabic-Indic digit one
        "7KQ2M\tXW9RT\t0HC4D\tJ8NVB\t3FPZS",
        "' OR 1=1 --",
        "-------------------------",
        "                         "
      })
  void junkIsNoCode(String input) {
    assertThat(ActivationCodes.normalize(input)).isEmpty();
  }

  @Test
  void overlongInputIsRefusedBeforeItIsParsed() {
    String padded = "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS" + " ".repeat(40);
    assertThat(padded.length()).isGreaterThan(64);
    assertThat(ActivationCodes.normalize(padded)).isEmpty();
    assertThat(ActivationCodes.normalize("A".repeat(1_000_000))).isEmpty();
  }

  @Test
  void theHintShowsOnlyTheLastGroup() {
    assertThat(ActivationCodes.hint("7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS")).isEqualTo("…3FPZS");
  }
}
