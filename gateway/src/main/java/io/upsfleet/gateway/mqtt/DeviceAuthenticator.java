package io.upsfleet.gateway.mqtt;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
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
 * so a reconnect storm does not hit the database once per device twice. Unknown serials are
 * compared against a dummy hash, so known and unknown serials cost the same. Thread-safe,
 * non-blocking.
 */
final class DeviceAuthenticator {
  private static final byte[] DUMMY = DeviceCredentials.hash("no-such-device");
  private final AsyncLoadingCache<String, Optional<DeviceCredentials.Credential>> cache;

  DeviceAuthenticator(DeviceCredentials credentials, int cacheSize) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(cacheSize)
            .expireAfterWrite(Duration.ofMinutes(10))
            .buildAsync((serial, executor) -> credentials.find(serial).toCompletableFuture());
  }

  /** The owning account when {@code secret} is the serial's secret; empty otherwise. */
  CompletionStage<Optional<UUID>> authenticate(String serial, byte[] secret) {
    CompletableFuture<Optional<DeviceCredentials.Credential>> found = cache.get(serial);
    return found.thenApply(
        cred -> {
          if (cred.isEmpty())
            cache
                .synchronous()
                .invalidate(serial); // don't keep negatives: it may be registered soon
          byte[] expected = cred.map(DeviceCredentials.Credential::secretHash).orElse(DUMMY);
          byte[] actual = DeviceCredentials.hash(new String(secret, StandardCharsets.UTF_8));
          boolean ok = MessageDigest.isEqual(expected, actual) && cred.isPresent();
          return ok ? Optional.of(cred.get().accountId()) : Optional.<UUID>empty();
        });
  }
}
