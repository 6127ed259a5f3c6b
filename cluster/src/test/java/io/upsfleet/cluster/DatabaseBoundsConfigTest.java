package io.upsfleet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.upsfleet.persistence.DatabaseSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bounds a node puts on its database work: the journal pool's time-outs and their relation to
 * the read journal's gap window, and the bounded JDBC executors.
 */
class DatabaseBoundsConfigTest {

  private static Config load(String app) {
    return UpsfleetCluster.loadConfig(ConfigFactory.parseString(app), Map.of());
  }

  private static DatabaseSettings db(Duration journalStatementTimeout) {
    return new DatabaseSettings(
        "jdbc:postgresql://127.0.0.1:5432/fleet",
        "app",
        "secret",
        4,
        Duration.ofSeconds(3),
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        journalStatementTimeout);
  }

  @Test
  void theJournalPoolGetsTheJournalStatementTimeoutAndTheDriverTimeouts() {
    Config journal =
        UpsfleetCluster.journalDatabaseConfig(load(""), db(Duration.ofSeconds(4)))
            .getConfig("pekko-persistence-jdbc.shared-databases.slick.db");

    assertEquals("jdbc:postgresql://127.0.0.1:5432/fleet", journal.getString("url"));
    assertEquals(3000, journal.getInt("connectionTimeout"));
    assertEquals("-c statement_timeout=4000", journal.getString("properties.options"));
    assertEquals("15", journal.getString("properties.socketTimeout"));
    assertEquals("3", journal.getString("properties.connectTimeout"));
    assertEquals("upsfleet-journal", journal.getString("properties.ApplicationName"));
  }

  @Test
  void aJournalStatementTimeoutNotWellUnderTheGapWindowIsRefusedNamingTheKey() {
    // default gap window: 10 tries x 1 s
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> UpsfleetCluster.journalDatabaseConfig(load(""), db(Duration.ofSeconds(6))))
            .getMessage();
    assertTrue(message.startsWith("upsfleet.database.journal-statement-timeout (6000ms)"), message);
    assertTrue(message.contains("10000ms"), message);

    Config shortWindow =
        load("jdbc-read-journal.journal-sequence-retrieval { max-tries = 4, query-delay = 1s }");
    assertThrows(
        IllegalArgumentException.class,
        () -> UpsfleetCluster.journalDatabaseConfig(shortWindow, db(Duration.ofSeconds(4))));
    UpsfleetCluster.journalDatabaseConfig(shortWindow, db(Duration.ofSeconds(2)));
  }

  @Test
  void executorSettingsOutOfRangeAreRefusedNamingTheKey() {
    assertEquals(
        "upsfleet.jdbc-executors.audit.queue-size must be between 1 and 100000, was 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> JdbcExecutors.settings(load("upsfleet.jdbc-executors.audit.queue-size = 0")))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> JdbcExecutors.settings(load("upsfleet.jdbc-executors.reads.threads = lots")))
            .getMessage()
            .startsWith("upsfleet.jdbc-executors.reads.threads is missing or invalid"));
  }

  @Test
  void aFullExecutorRefusesWorkAtOnceInsteadOfQueueingItOrRunningItOnTheCaller()
      throws InterruptedException {
    Config config = load("upsfleet.jdbc-executors.authentication { threads = 1, queue-size = 1 }");
    try (JdbcExecutors executors = JdbcExecutors.fromConfig(config)) {
      Jdbc jdbc = new Jdbc(null, executors.executor(JdbcExecutors.Kind.AUTHENTICATION));
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      executors
          .executor(JdbcExecutors.Kind.AUTHENTICATION)
          .execute(
              () -> {
                running.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      assertTrue(running.await(5, TimeUnit.SECONDS));
      executors.executor(JdbcExecutors.Kind.AUTHENTICATION).execute(() -> {});

      CompletionException refused =
          assertThrows(
              CompletionException.class, () -> jdbc.run(c -> 1).toCompletableFuture().join());
      assertTrue(refused.getCause() instanceof RejectedExecutionException, refused.toString());
      // other kinds of work are unaffected
      assertEquals(0, executors.executor(JdbcExecutors.Kind.CREDENTIALS).getQueue().size());
      release.countDown();
    }
  }
}
