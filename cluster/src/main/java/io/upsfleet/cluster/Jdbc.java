package io.upsfleet.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.sql.DataSource;

/**
 * Runs blocking JDBC work on a dedicated executor (never on an actor or event-loop thread) and
 * returns a {@link CompletionStage}. A {@link SQLException} completes the stage exceptionally with
 * it; so does the {@link RejectedExecutionException} of an executor that is full (see {@link
 * JdbcExecutors}): the caller never blocks and never runs the work itself.
 */
public final class Jdbc {
  /** Work against one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private final DataSource dataSource;
  private final Executor executor;

  public Jdbc(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} in one auto-commit connection. */
  public <T> CompletionStage<T> run(Work<T> work) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try (Connection c = dataSource.getConnection()) {
              return work.apply(c);
            } catch (SQLException e) {
              throw new CompletionException(e);
            }
          },
          executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The same pool of connections, its work run on {@code other}. */
  public Jdbc on(Executor other) {
    return new Jdbc(dataSource, other);
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws.
   */
  public <T> CompletionStage<T> inTransaction(Work<T> work) {
    return run(
        c -> {
          c.setAutoCommit(false);
          try {
            T result = work.apply(c);
            c.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        });
  }
}
