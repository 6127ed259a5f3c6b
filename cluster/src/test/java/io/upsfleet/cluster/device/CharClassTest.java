package io.upsfleet.cluster.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CharClassTest {

  /** Every class the product uses, with the regular expression it replaces. */
  private static final List<Object[]> RULES =
      List.of(
          new Object[] {CharClass.of("A-Z0-9", 8, 20), "[A-Z0-9]{8,20}"},
          new Object[] {CharClass.of(" -~", 1, 64), "[ -~]{1,64}"},
          new Object[] {CharClass.of("A-Za-z0-9 .-", 1, 32), "[A-Za-z0-9 .\\-]{1,32}"},
          new Object[] {CharClass.of("A-Za-z", 1, 48), "[A-Za-z]{1,48}"});

  @Test
  void answersExactlyAsTheRegularExpressionItReplaces() {
    Random random = new Random(42);
    char[] alphabet = "AZaz09 .-~_\t\u00e9\u0000\u007f\u0080\u4e2d\ud83d\ude00MNx7".toCharArray();
    for (Object[] rule : RULES) {
      CharClass charClass = (CharClass) rule[0];
      Pattern regex = Pattern.compile((String) rule[1]);
      assertEquals(rule[1], charClass.regex());
      for (int i = 0; i < 200_000; i++) {
        int length = random.nextInt(70);
        StringBuilder s = new StringBuilder(length);
        for (int j = 0; j < length; j++) {
          s.append(
              random.nextInt(4) == 0
                  ? alphabet[random.nextInt(alphabet.length)]
                  : (char) (32 + random.nextInt(95)));
        }
        String value = s.toString();
        assertEquals(
            regex.matcher(value).matches(), charClass.matches(value), rule[1] + " on " + value);
      }
    }
  }

  @Test
  void refusesWhatIsNotAnAsciiClass() {
    assertThrows(IllegalArgumentException.class, () -> CharClass.of("Z-A", 1, 2));
    assertThrows(IllegalArgumentException.class, () -> CharClass.of("\u00e9", 1, 2));
    assertThrows(IllegalArgumentException.class, () -> CharClass.of("A-Z", 3, 2));
  }
}
