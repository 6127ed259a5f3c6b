package io.upsfleet.gateway.mqtt;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.upsfleet.cluster.device.DeviceCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks a device's CONNECT credentials against {@link DeviceCredentials}, through a bounded cache
 * so a reconnect storm does not hit the database once per device twice. A serial found to have no
 * credential is remembered as unknown for a short time ({@code unknown-serial-ttl}), in a separate
 * bounded cache, so a flood of CONNECTs with unknown serials costs one database lookup per serial
 * and TTL, and cannot evict the credentials of real devices; a credential created through this node
 * is forgotten as unknown at once ({@link #registered}). Unknown serials are compared against a
 * dummy hash, so known and unknown serials cost the same. Thread-safe, non-blocking.
 */
final class DeviceAuthenticator {
  private static final byte[] DUMMY = DeviceCredentials.hash("no-such-device");
  private final AsyncLoadingCache<String, Optional<DeviceCredentials.Credential>> cache;
  private final Cache<String, Boolean> unknown;
  private final DeviceCredentials credentials;

  /**
   * @param lookups called for each database lookup (a cache miss), for the metric
   */
  DeviceAuthenticator(
      DeviceCredentials credentials,
      int cacheSize,
      Duration unknownTtl,
      int unknownCacheSize,
      Runnable lookups) {
    this.credentials = credentials;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(cacheSize)
            .expireAfterWrite(Duration.ofMinutes(10))
            .buildAsync(
                (serial, executor) -> {
                  lookups.run();
                  return credentials.find(serial).toCompletableFuture();
                });
    this.unknown =
        Caffeine.newBuilder()
            .maximumSize(unknownTtl.isZero() ? 0 : unknownCacheSize)
            .expireAfterWrite(unknownTtl)
            .build();
  }

  /** The owning account when {@code secret} is the serial's secret; empty otherwise. */
  CompletionStage<Optional<UUID>> authenticate(String serial, byte[] secret) {
    byte[] actual = DeviceCredentials.hash(new String(secret, StandardCharsets.UTF_8));
    CompletableFuture<Optional<DeviceCredentials.Credential>> found =
        unknown.getIfPresent(serial) != null
            ? CompletableFuture.completedFuture(Optional.empty())
            : cache.get(serial);
    return found.thenCompose(
        cred -> {
          if (cred.isPresent() && match(cred, actual) == DeviceCredentials.Match.NONE) {
            // The cached secret may be stale (rotated through another node): ask the database
            // once more before refusing.
            cache.synchronous().invalidate(serial);
            return cache.get(serial).thenApply(fresh -> decide(serial, fresh, actual));
          }
          return CompletableFuture.completedFuture(decide(serial, cred, actual));
        });
  }

  private DeviceCredentials.Match match(
      Optional<DeviceCredentials.Credential> cred, byte[] actual) {
    if (cred.isEmpty()) {
      MessageDigest.isEqual(DUMMY, actual); // unknown serials cost the same as known ones
      return DeviceCredentials.Match.NONE;
    }
    return cred.get().match(actual, credentials.clock().instant());
  }

  private Optional<UUID> decide(
      String serial, Optional<DeviceCredentials.Credential> cred, byte[] actual) {
    if (cred.isEmpty()) {
      // Not kept with the credentials (that cache is for real devices), but remembered briefly.
      cache.synchronous().invalidate(serial);
      unknown.put(serial, Boolean.TRUE);
    }
    DeviceCredentials.Match m = match(cred, actual);
    if (m == DeviceCredentials.Match.NONE) return Optional.empty();
    if (m == DeviceCredentials.Match.CURRENT && cred.get().previousHash() != null) {
      credentials.retirePrevious(serial); // first connect with the new secret: the old one ends
    }
    return Optional.of(cred.get().accountId());
  }

  /**
   * The owning account of {@code serial}, whose client certificate was verified by the TLS
   * handshake; empty when the serial has no credential (never registered, or deregistered).
   */
  CompletionStage<Optional<UUID>> authenticateCertified(String serial) {
    if (unknown.getIfPresent(serial) != null)
      return CompletableFuture.completedFuture(Optional.empty());
    return cache
        .get(serial)
        .thenApply(
            cred -> {
              if (cred.isEmpty()) {
                cache.synchronous().invalidate(serial);
                unknown.put(serial, Boolean.TRUE);
              }
              return cred.map(DeviceCredentials.Credential::accountId);
            });
  }

  /** Forgets that {@code serial} was unknown: it has just been registered. */
  void registered(String serial) {
    unknown.invalidate(serial);
    cache.synchronous().invalidate(serial);
  }
}
