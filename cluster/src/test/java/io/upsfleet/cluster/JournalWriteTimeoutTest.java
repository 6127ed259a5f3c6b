package io.upsfleet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JournalWriteTimeoutTest {

  private static Config config(Map<String, Object> overrides) {
    return UpsfleetCluster.loadConfig(ConfigFactory.parseMap(overrides), Map.of());
  }

  @Test
  void defaultsToFiveSecondsBelowTheGapWindowAndTheBreaker() {
    JournalWriteTimeout bound = JournalWriteTimeout.fromConfig(config(Map.of()));

    assertEquals(Duration.ofSeconds(5), bound.writeTimeout());
    String sql = bound.connectionInitSql();
    assertTrue(sql.contains("'statement_timeout', '4000'"), sql);
    assertTrue(sql.contains("'idle_in_transaction_session_timeout', '5000'"), sql);
    assertTrue(sql.contains("'transaction_timeout', '5000'"), sql);
    assertEquals(
        sql,
        bound
            .applyTo(config(Map.of()))
            .getString("pekko-persistence-jdbc.shared-databases.slick.db.connectionInitSql"));
  }

  @Test
  void refusesABoundAtOrAboveTheReadJournalsGapWindowNamingTheKeys() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JournalWriteTimeout.fromConfig(
                    config(
                        Map.of(
                            "upsfleet.journal.write-timeout", "3s",
                            "jdbc-read-journal.journal-sequence-retrieval.query-delay", "300ms"))));

    assertTrue(e.getMessage().contains("upsfleet.journal.write-timeout"), e.getMessage());
    assertTrue(
        e.getMessage().contains("jdbc-read-journal.journal-sequence-retrieval.max-tries"),
        e.getMessage());
  }

  @Test
  void refusesABoundAtOrAboveTheJournalsCircuitBreakerNamingTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JournalWriteTimeout.fromConfig(
                    config(
                        Map.of(
                            "upsfleet.journal.write-timeout", "5s",
                            "jdbc-journal.circuit-breaker.call-timeout", "5s"))));

    assertTrue(
        e.getMessage().contains("jdbc-journal.circuit-breaker.call-timeout"), e.getMessage());
  }

  @Test
  void refusesANonsenseBound() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JournalWriteTimeout.fromConfig(
                    config(Map.of("upsfleet.journal.write-timeout", "0s"))));

    assertTrue(e.getMessage().contains("upsfleet.journal.write-timeout"), e.getMessage());
  }
}
