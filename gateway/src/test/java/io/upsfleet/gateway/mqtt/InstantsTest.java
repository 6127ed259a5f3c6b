package io.upsfleet.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstantsTest {

  @Test
  void answersAsInstantParseOnDevicesUsualForms() {
    for (String s :
        List.of(
            "2026-11-28T10:00:00Z",
            "2026-11-28T10:00:00.1Z",
            "2026-11-28T10:00:00.123Z",
            "2026-11-28T10:00:00.123456789Z",
            "2024-02-29T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z")) {
      assertEquals(Instant.parse(s), Instants.parse(s), s);
    }
  }

  @Test
  void answersAsInstantParseOnEverythingElse() {
    for (String s :
        List.of(
            "2023-02-29T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-11-31T10:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T23:59:60Z",
            "2026-11-28T10:00:00.Z",
            "2026-11-28T10:00:00.1234567890Z",
            "2026-11-28T10:00:00+01:00",
            "2026-11-28T10:00Z",
            "+12026-11-28T10:00:00Z",
            "2026-11-28t10:00:00Z",
            "2026-11-28T10:00:00z",
            "２026-11-28T10:00:00Z",
            "2026-11-28T10:00:00",
            "")) {
      assertSame(s);
    }
    Random random = new Random(3);
    String base = "2026-11-28T10:00:00.123Z";
    char[] noise = "0123456789-:.TZz+ ".toCharArray();
    for (int i = 0; i < 200_000; i++) {
      StringBuilder s = new StringBuilder(base);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.setCharAt(at, noise[random.nextInt(noise.length)]);
          case 1 -> s.deleteCharAt(at);
          default -> s.insert(at, noise[random.nextInt(noise.length)]);
        }
      }
      assertSame(s.toString());
    }
  }

  private static void assertSame(String s) {
    Object expected;
    try {
      expected = Instant.parse(s);
    } catch (DateTimeException e) {
      expected = DateTimeException.class;
    }
    Object actual;
    try {
      actual = Instants.parse(s);
    } catch (DateTimeException e) {
      actual = DateTimeException.class;
    }
    assertEquals(expected, actual, s);
  }
}
