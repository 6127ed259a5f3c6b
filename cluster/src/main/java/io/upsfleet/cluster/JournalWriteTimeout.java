package io.upsfleet.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;

/**
 * The bound on every journal write ({@code upsfleet.journal.write-timeout}): PostgreSQL itself ends
 * a journal transaction that takes longer, so a write either commits within it or never.
 *
 * <p>Why: a journal INSERT draws its {@code ordering} number when it starts. The read journal waits
 * at most its gap window ({@code jdbc-read-journal.journal-sequence-retrieval.max-tries ×
 * query-delay}) for a missing number before it moves past it for good; a write that commits later
 * is never seen by {@code eventsByTag}, so the read models miss it (issue 10). With the bound below
 * that window, no write commits after the read side gave up on it. It is also below the journal's
 * circuit-breaker {@code call-timeout}, so when the breaker reports a write as failed the database
 * has already cancelled it (a write still queued for a connection when the breaker gives up can
 * still run, within this bound: then the entity's next write collides with it and the entity
 * recovers it; the read side sees it in time).
 *
 * <p>How: every connection of the journal's pool ({@code
 * pekko-persistence-jdbc.shared-databases.slick}) runs {@link #connectionInitSql()}: {@code
 * statement_timeout} at 4/5 of the bound (a statement waiting on a lock is cancelled and the
 * connection kept), {@code idle_in_transaction_session_timeout} at the bound, and on PostgreSQL 17
 * or later {@code transaction_timeout} at the bound (BEGIN to COMMIT, whatever happens in between).
 * The journal's reads (recovery, the read journal's queries) share the pool and the bound.
 *
 * @param writeTimeout the bound, positive and below both the gap window and the breaker's timeout
 */
public record JournalWriteTimeout(Duration writeTimeout) {
  static final String KEY = "upsfleet.journal.write-timeout";
  private static final String SLICK_DB = "pekko-persistence-jdbc.shared-databases.slick.db";
  private static final String GAP = "jdbc-read-journal.journal-sequence-retrieval";
  private static final String BREAKER = "jdbc-journal.circuit-breaker.call-timeout";
  private static final String FALLBACK_BREAKER =
      "pekko.persistence.journal-plugin-fallback.circuit-breaker.call-timeout";

  public JournalWriteTimeout {
    if (writeTimeout.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException(KEY + " must be at least 100ms, was " + writeTimeout);
    }
  }

  /**
   * Reads {@value #KEY} and checks it against the read journal's gap window and the journal's
   * circuit breaker, failing fast with the keys involved.
   */
  public static JournalWriteTimeout fromConfig(Config root) {
    JournalWriteTimeout bound = new JournalWriteTimeout(root.getDuration(KEY));
    Duration gap =
        root.getDuration(GAP + ".query-delay").multipliedBy(root.getInt(GAP + ".max-tries"));
    if (bound.writeTimeout.compareTo(gap) >= 0) {
      throw new IllegalArgumentException(
          KEY
              + " ("
              + bound.writeTimeout.toMillis()
              + "ms) must be below the read journal's gap window "
              + GAP
              + ".max-tries × query-delay ("
              + gap.toMillis()
              + "ms): a write committing later is never projected");
    }
    String breakerKey = root.hasPath(BREAKER) ? BREAKER : FALLBACK_BREAKER;
    Duration breaker = root.getDuration(breakerKey);
    if (bound.writeTimeout.compareTo(breaker) >= 0) {
      throw new IllegalArgumentException(
          KEY
              + " ("
              + bound.writeTimeout.toMillis()
              + "ms) must be below "
              + breakerKey
              + " ("
              + breaker.toMillis()
              + "ms): a write the breaker gave up on must not commit afterwards");
    }
    return bound;
  }

  /** The SQL every new connection of the journal's pool runs first. */
  public String connectionInitSql() {
    long bound = writeTimeout.toMillis();
    long statement = bound * 4 / 5;
    return "SELECT set_config('statement_timeout', '"
        + statement
        + "', false), set_config('idle_in_transaction_session_timeout', '"
        + bound
        + "', false), CASE WHEN current_setting('server_version_num')::int >= 170000"
        + " THEN set_config('transaction_timeout', '"
        + bound
        + "', false) END";
  }

  /** {@code config} with the journal pool's {@code connectionInitSql} set to the bound. */
  public Config applyTo(Config config) {
    return ConfigFactory.parseMap(Map.of(SLICK_DB + ".connectionInitSql", connectionInitSql()))
        .withFallback(config);
  }
}
