package io.upsfleet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SerialsTest {

  @Test
  void isValidAnswersAsThePattern() {
    Random random = new Random(7);
    char[] alphabet = "AZMaz0597-_ \u00c9\u0660\uff21".toCharArray();
    for (int i = 0; i < 200_000; i++) {
      int length = random.nextInt(24);
      StringBuilder s = new StringBuilder();
      for (int j = 0; j < length; j++) s.append(alphabet[random.nextInt(alphabet.length)]);
      String serial = s.toString();
      assertEquals(Serials.PATTERN.matcher(serial).matches(), Serials.isValid(serial), serial);
    }
    assertEquals(true, Serials.isValid("AS1036123456"));
    assertEquals(false, Serials.isValid(null));
  }
}
