package io.upsfleet.gateway.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Counts failures per key (e.g. wrong activation codes per user) in a leaky bucket: {@code burst}
 * failures are free, then one more per {@code refill}; a key over the limit must wait before trying
 * again at all. Successes cost nothing. Thread-safe, bounded in keys.
 */
public final class FailureThrottle {
  private final int burst;
  private final Duration refill;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();

  public FailureThrottle(int burst, Duration refill) {
    this.burst = burst;
    this.refill = refill;
  }

  /** Empty when {@code key} may try; else the seconds to wait. */
  public OptionalInt check(String key) {
    Bucket b = buckets.getIfPresent(key);
    return b == null ? OptionalInt.empty() : b.check(burst, refill);
  }

  public void failed(String key) {
    buckets.get(key, k -> new Bucket()).fail(burst, refill);
  }

  private static final class Bucket {
    private double failures;
    private long last = System.nanoTime();

    private void leak(Duration refill) {
      long now = System.nanoTime();
      failures = Math.max(0, failures - (now - last) / (double) refill.toNanos());
      last = now;
    }

    synchronized OptionalInt check(int burst, Duration refill) {
      leak(refill);
      if (failures < burst) return OptionalInt.empty();
      double waitNanos = (failures - burst + 1) * refill.toNanos();
      return OptionalInt.of((int) Math.max(1, Math.ceil(waitNanos / 1e9)));
    }

    synchronized void fail(int burst, Duration refill) {
      leak(refill);
      failures += 1;
    }
  }
}
