package io.upsfleet.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

  /** This module's reference.conf with the given overrides, ignoring environment variables. */
  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseResources("reference.conf"))
        .resolve(ConfigResolveOptions.noSystem());
  }

  private static String failureFor(String overrides) {
    return assertThrows(
            IllegalArgumentException.class, () -> DatabaseSettings.fromConfig(config(overrides)))
        .getMessage();
  }

  @Test
  void defaultsAskForTheEmbeddedServer() {
    DatabaseSettings settings = DatabaseSettings.fromConfig(config(""));

    assertTrue(settings.embedded());
    assertEquals("", settings.url());
    assertEquals("upsfleet", settings.user());
    assertEquals(5, settings.maxPoolSize());
    assertEquals(Duration.ofSeconds(3), settings.connectionTimeout());
  }

  @Test
  void readsAnExternalDatabase() {
    DatabaseSettings settings =
        DatabaseSettings.fromConfig(
            config(
                """
                upsfleet.database {
                  url = "jdbc:postgresql://db:5432/fleet", user = app, password = secret
                  max-pool-size = 20, connection-timeout = 2500ms
                }
                """));

    assertFalse(settings.embedded());
    assertEquals(
        new DatabaseSettings(
            "jdbc:postgresql://db:5432/fleet", "app", "secret", 20, Duration.ofMillis(2500)),
        settings);
  }

  @Test
  void rejectsAPoolSizeOutOfRangeNamingTheKey() {
    assertEquals(
        "upsfleet.database.max-pool-size must be between 1 and 100, was 0",
        failureFor("upsfleet.database.max-pool-size = 0"));
    assertEquals(
        "upsfleet.database.max-pool-size must be between 1 and 100, was 101",
        failureFor("upsfleet.database.max-pool-size = 101"));
  }

  @Test
  void rejectsAValueOfTheWrongTypeNamingTheKey() {
    assertTrue(
        failureFor("upsfleet.database.max-pool-size = many")
            .startsWith("upsfleet.database.max-pool-size is missing or invalid"));
    assertTrue(
        failureFor("upsfleet.database.connection-timeout = soon")
            .startsWith("upsfleet.database.connection-timeout is missing or invalid"));
  }

  @Test
  void rejectsAConnectionTimeoutOutOfRangeNamingTheKey() {
    assertEquals(
        "upsfleet.database.connection-timeout must be between 500ms and 60s, was 100ms",
        failureFor("upsfleet.database.connection-timeout = 100ms"));
    assertEquals(
        "upsfleet.database.connection-timeout must be between 500ms and 60s, was 180000ms",
        failureFor("upsfleet.database.connection-timeout = 180s"));
  }

  @Test
  void defaultsBoundEveryCallInTime() {
    DatabaseSettings settings = DatabaseSettings.fromConfig(config(""));

    assertEquals(Duration.ofSeconds(15), settings.socketTimeout());
    assertEquals(Duration.ofSeconds(10), settings.statementTimeout());
    assertEquals(Duration.ofSeconds(4), settings.journalStatementTimeout());
    assertEquals(
        Map.of(
            "connectTimeout", "3",
            "loginTimeout", "3",
            "socketTimeout", "15",
            "options", "-c statement_timeout=4000"),
        settings.driverProperties(settings.journalStatementTimeout()));
  }

  @Test
  void roundsDriverTimeoutsUpToWholeSeconds() {
    DatabaseSettings settings =
        DatabaseSettings.fromConfig(
            config(
                "upsfleet.database { connection-timeout = 2500ms, socket-timeout = 1500ms,"
                    + " statement-timeout = 250ms, journal-statement-timeout = 1s }"));

    assertEquals("3", settings.driverProperties(settings.statementTimeout()).get("connectTimeout"));
    assertEquals("2", settings.driverProperties(settings.statementTimeout()).get("socketTimeout"));
    assertEquals(
        "-c statement_timeout=250",
        settings.driverProperties(settings.statementTimeout()).get("options"));
  }

  @Test
  void rejectsTimeoutsOutOfRangeNamingTheKey() {
    assertEquals(
        "upsfleet.database.socket-timeout must be between 1000ms and 600000ms, was 500ms",
        failureFor("upsfleet.database.socket-timeout = 500ms"));
    assertEquals(
        "upsfleet.database.statement-timeout must be between 100ms and 600000ms, was 0ms",
        failureFor("upsfleet.database.statement-timeout = 0s"));
    assertEquals(
        "upsfleet.database.journal-statement-timeout must be between 100ms and 60000ms,"
            + " was 90000ms",
        failureFor("upsfleet.database { socket-timeout = 5m, journal-statement-timeout = 90s }"));
    assertTrue(
        failureFor("upsfleet.database.socket-timeout = never")
            .startsWith("upsfleet.database.socket-timeout is missing or invalid"));
  }

  @Test
  void rejectsAStatementTimeoutNotShorterThanTheSocketTimeout() {
    String message =
        failureFor("upsfleet.database { socket-timeout = 10s, statement-timeout = 10s }");
    assertTrue(
        message.startsWith(
            "upsfleet.database.statement-timeout (10000ms) must be shorter than"
                + " upsfleet.database.socket-timeout (10000ms)"),
        message);
    String journal =
        failureFor("upsfleet.database { socket-timeout = 4s, statement-timeout = 2s }");
    assertTrue(
        journal.startsWith(
            "upsfleet.database.journal-statement-timeout (4000ms) must be shorter than"
                + " upsfleet.database.socket-timeout (4000ms)"),
        journal);
  }

  @Test
  void rejectsAUrlThatIsNotPostgresWithoutShowingItsParameters() {
    String message = failureFor("upsfleet.database.url = \"jdbc:mysql://db/fleet?password=x\"");

    assertEquals(
        "upsfleet.database.url must be empty (embedded server) or start with jdbc:postgresql:,"
            + " was 'jdbc:mysql://db/fleet'",
        message);
  }

  @Test
  void rejectsABlankUser() {
    assertEquals(
        "upsfleet.database.user must not be blank", failureFor("upsfleet.database.user = \" \""));
  }

  @Test
  void rejectsAMissingKeyNamingIt() {
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> DatabaseSettings.fromConfig(ConfigFactory.parseString("upsfleet {}")))
            .getMessage();

    assertTrue(message.startsWith("upsfleet.database.url is missing or invalid"), message);
  }

  @Test
  void withUrlKeepsEverythingElseAndValidates() {
    DatabaseSettings embedded = DatabaseSettings.fromConfig(config(""));

    DatabaseSettings pointed = embedded.withUrl("jdbc:postgresql://127.0.0.1:5432/upsfleet");

    assertFalse(pointed.embedded());
    assertEquals(embedded.user(), pointed.user());
    assertEquals(embedded.password(), pointed.password());
    assertEquals(embedded.maxPoolSize(), pointed.maxPoolSize());
    assertThrows(IllegalArgumentException.class, () -> embedded.withUrl("postgres://x"));
  }

  @Test
  void toStringMasksThePasswordAndUrlParameters() {
    DatabaseSettings settings =
        new DatabaseSettings(
            "jdbc:postgresql://db/fleet?password=hidden",
            "app",
            "secret",
            5,
            Duration.ofSeconds(3));

    String text = settings.toString();

    assertFalse(text.contains("secret"), text);
    assertFalse(text.contains("hidden"), text);
    assertTrue(text.contains("jdbc:postgresql://db/fleet"), text);
  }
}
