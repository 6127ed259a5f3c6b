package io.upsfleet.cluster.account;

import com.typesafe.config.Config;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that run slow password hashing, apart from the JDBC threads: a sign-in flood can then
 * only exhaust this pool, never the connections that serve the rest of the API. Bounded in threads
 * and in waiting work; when both are full, new work is refused at once with {@link
 * AccountException.Reason#BUSY} instead of queueing without end. Thread-safe.
 */
public final class HashingPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;

  /**
   * @param threads hashing threads (each hash keeps one core busy)
   * @param queue hashes that may wait for a thread; beyond that work is refused
   */
  public HashingPool(int threads, int queue) {
    if (threads < 1 || threads > 64) throw new IllegalArgumentException("threads must be 1..64");
    if (queue < 0 || queue > 10_000) throw new IllegalArgumentException("queue must be 0..10000");
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "upsfleet-password-hashing-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * From {@code upsfleet.accounts.hashing-threads} and {@code hashing-queue}; fails naming the bad
   * key.
   */
  public static HashingPool fromConfig(Config root) {
    int threads = root.getInt("upsfleet.accounts.hashing-threads");
    int queue = root.getInt("upsfleet.accounts.hashing-queue");
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("upsfleet.accounts.hashing-threads must be 1..64");
    }
    if (queue < 0 || queue > 10_000) {
      throw new IllegalArgumentException("upsfleet.accounts.hashing-queue must be 0..10000");
    }
    return new HashingPool(threads, queue);
  }

  /** Whether new work would be refused now (every thread busy and the queue full). */
  boolean saturated() {
    return executor.getActiveCount() >= executor.getMaximumPoolSize()
        && executor.getQueue().remainingCapacity() == 0;
  }

  /** Runs {@code work} on the pool; fails at once with BUSY when the pool is full. */
  <T> CompletionStage<T> submit(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(busy());
    }
  }

  static AccountException busy() {
    return new AccountException(
        AccountException.Reason.BUSY, "too many sign-ins are being checked; retry shortly");
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
