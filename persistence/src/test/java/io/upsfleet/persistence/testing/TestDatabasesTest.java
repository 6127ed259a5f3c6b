package io.upsfleet.persistence.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TestDatabasesTest {

  @Test
  void namesDatabasesAfterTheHintWithOnlySafeCharacters() {
    String name = TestDatabases.databaseName("Recovers after Restart: \"x\"; DROP");

    assertTrue(name.matches("t_recovers_after_restart_x_drop_[a-z0-9]+_[0-9]+"), name);
  }

  @Test
  void givesEveryCallANewShortEnoughName() {
    String longHint = "a".repeat(200);

    String first = TestDatabases.databaseName(longHint);
    String second = TestDatabases.databaseName(longHint);

    assertNotEquals(first, second);
    assertTrue(first.length() <= 63, first);
    assertTrue(TestDatabases.databaseName("!!!").startsWith("t_db_"));
    assertTrue(TestDatabases.databaseName(null).startsWith("t_db_"));
  }

  @Test
  void replacesTheDatabaseOfAUrlKeepingHostsAndParameters() {
    assertEquals(
        "jdbc:postgresql://db:5432/t_1?sslmode=require",
        TestDatabases.withDatabase("jdbc:postgresql://db:5432/app?sslmode=require", "t_1"));
    assertEquals(
        "jdbc:postgresql://a:1,b:2/t_1",
        TestDatabases.withDatabase("jdbc:postgresql://a:1,b:2", "t_1"));
    assertEquals(
        "jdbc:postgresql://db/t_1?x=1",
        TestDatabases.withDatabase("jdbc:postgresql://db?x=1", "t_1"));
    assertEquals("jdbc:postgresql:t_1", TestDatabases.withDatabase("jdbc:postgresql:app", "t_1"));
    assertThrows(
        IllegalArgumentException.class, () -> TestDatabases.withDatabase("jdbc:h2:mem:x", "t_1"));
  }
}
