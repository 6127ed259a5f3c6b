package io.upsfleet.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded thread pools that run blocking JDBC work, one per kind of work so that one kind
 * cannot starve another: a sign-in storm (slow password hashing) does not stop device connects, and
 * a frozen database fills a pool's queue instead of piling up work without end.
 *
 * <p>Each pool has a fixed number of threads and a bounded queue; work offered to a full pool is
 * refused at once (a {@link java.util.concurrent.RejectedExecutionException}, which {@link Jdbc}
 * turns into a failed stage: the API answers 503, a device CONNECT gets "server unavailable").
 * Configured by {@code upsfleet.jdbc-executors.<kind>.threads} and {@code .queue-size}.
 */
public final class JdbcExecutors implements AutoCloseable {
  static final String CONFIG_PATH = "upsfleet.jdbc-executors";

  /** The kinds of blocking work, each with its own pool. */
  public enum Kind {
    /** Sign-in (password checks), tokens, users and accounts. */
    AUTHENTICATION("authentication"),
    /** Device CONNECT credential look-ups. */
    CREDENTIALS("credentials"),
    /** Audit records. */
    AUDIT("audit"),
    /** Everything else: directory and event-log queries, licensing, mail, telemetry history. */
    READS("reads");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    /** The name of this kind's block under {@code upsfleet.jdbc-executors}. */
    public String key() {
      return key;
    }
  }

  /**
   * One pool's size.
   *
   * @param threads threads, 1 to 64
   * @param queueSize work waiting for a thread before more is refused, 1 to 100000
   */
  public record PoolSettings(int threads, int queueSize) {}

  private final Map<Kind, ThreadPoolExecutor> pools = new EnumMap<>(Kind.class);

  private JdbcExecutors(Map<Kind, PoolSettings> settings) {
    settings.forEach((kind, s) -> pools.put(kind, pool(kind, s)));
  }

  /**
   * Reads and validates every pool's settings, then starts the pools.
   *
   * @throws IllegalArgumentException naming the key when a value is missing or out of range
   */
  public static JdbcExecutors fromConfig(Config config) {
    return new JdbcExecutors(settings(config));
  }

  /** Every pool's validated settings; see {@link #fromConfig}. */
  public static Map<Kind, PoolSettings> settings(Config config) {
    Map<Kind, PoolSettings> result = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      String base = CONFIG_PATH + "." + kind.key();
      result.put(
          kind,
          new PoolSettings(
              intBetween(config, base + ".threads", 1, 64),
              intBetween(config, base + ".queue-size", 1, 100_000)));
    }
    return result;
  }

  private static int intBetween(Config config, String path, int min, int max) {
    int value;
    try {
      value = config.getInt(path);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(path + " is missing or invalid: " + e.getMessage(), e);
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          path + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  /** The pool for {@code kind}. */
  public ThreadPoolExecutor executor(Kind kind) {
    return pools.get(kind);
  }

  private static ThreadPoolExecutor pool(Kind kind, PoolSettings s) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "upsfleet-jdbc-" + kind.key() + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            s.threads(),
            s.threads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(s.queueSize()),
            threads,
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Stops taking work; work already queued still runs. */
  @Override
  public void close() {
    pools.values().forEach(ThreadPoolExecutor::shutdown);
  }
}
