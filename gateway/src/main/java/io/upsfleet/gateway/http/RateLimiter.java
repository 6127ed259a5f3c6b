package io.upsfleet.gateway.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Token buckets per key (a principal, or a client address before sign-in), bounded in number. A key
 * that exceeds its rate gets the seconds to wait; others are unaffected. Thread-safe.
 */
final class RateLimiter {
  private final double perSecond;
  private final int burst;
  private final Cache<String, Bucket> buckets;

  RateLimiter(double perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
  }

  /** Takes one token for {@code key}; empty when allowed, else the seconds to wait. */
  OptionalInt acquire(String key) {
    return buckets.get(key, k -> new Bucket(burst)).take(perSecond, burst);
  }

  private static final class Bucket {
    private double tokens;
    private long last = System.nanoTime();

    Bucket(int burst) {
      tokens = burst;
    }

    synchronized OptionalInt take(double perSecond, int burst) {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return OptionalInt.empty();
      }
      return OptionalInt.of((int) Math.max(1, Math.ceil((1 - tokens) / perSecond)));
    }
  }
}
