package io.upsfleet.gateway.http;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.PasswordHasher;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Resolves bearer tokens to grants through a short-lived bounded cache, keyed by the token's
 * SHA-256. A revocation of any node (sign-out, sign-out everywhere, a disabled user, a new role or
 * password) evicts the affected entries at once ({@link ApiServices.TokenService#onRevocation}); a
 * cached grant past its expiry is refused and dropped; the cache's TTL only bounds how long a lost
 * revocation message could leave a token working. Thread-safe, non-blocking.
 */
final class Authenticator {
  private final AsyncCache<String, Optional<Accounts.TokenGrant>> cache;
  private final ApiServices.TokenService tokens;
  private final Clock clock;

  Authenticator(ApiServices.TokenService tokens, Duration ttl, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
    this.cache = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(ttl).buildAsync();
    tokens.onRevocation(this::revoked);
  }

  CompletionStage<Optional<Accounts.TokenGrant>> resolve(String token) {
    String key = key(token);
    CompletableFuture<Optional<Accounts.TokenGrant>> grant =
        cache.get(key, (k, executor) -> tokens.resolveToken(token).toCompletableFuture());
    return grant.thenApply(
        g -> {
          if (g.isPresent() && !g.get().expiresAt().isAfter(clock.instant())) {
            cache.synchronous().invalidate(key);
            return Optional.empty();
          }
          return g;
        });
  }

  void forget(String token) {
    cache.synchronous().invalidate(key(token));
  }

  private void revoked(Accounts.Revocation r) {
    if (r.tokenHash() != null)
      cache.synchronous().invalidate(HexFormat.of().formatHex(r.tokenHash()));
    UUID user = r.userId();
    if (user != null) {
      cache
          .asMap()
          .entrySet()
          .removeIf(
              e -> {
                CompletableFuture<Optional<Accounts.TokenGrant>> f = e.getValue();
                // A load still running was started before the revocation committed: drop it too.
                if (!f.isDone() || f.isCompletedExceptionally()) return true;
                Optional<Accounts.TokenGrant> g = f.join();
                return g.isPresent() && user.equals(g.get().principal().userId());
              });
    }
  }

  private static String key(String token) {
    return HexFormat.of().formatHex(PasswordHasher.sha256(token));
  }
}
