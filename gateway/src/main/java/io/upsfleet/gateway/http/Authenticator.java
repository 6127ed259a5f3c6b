package io.upsfleet.gateway.http;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.upsfleet.cluster.account.Accounts;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Resolves bearer tokens to principals through a short-lived bounded cache (its TTL bounds how long
 * a revoked token keeps working on this node). Thread-safe, non-blocking.
 */
final class Authenticator {
  private final AsyncLoadingCache<String, Optional<Accounts.TokenGrant>> cache;

  Authenticator(ApiServices.TokenService tokens, Duration ttl) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(50_000)
            .expireAfterWrite(ttl)
            .buildAsync((token, executor) -> tokens.resolveToken(token).toCompletableFuture());
  }

  CompletionStage<Optional<Accounts.TokenGrant>> resolve(String token) {
    return cache.get(token);
  }

  void forget(String token) {
    cache.synchronous().invalidate(token);
  }
}
