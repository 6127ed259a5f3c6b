package io.upsfleet.cluster.device;

import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.account.PasswordHasher;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The secrets devices authenticate with. A secret is 256 random bits, shown once at registration;
 * only its SHA-256 is stored. A fast hash is right here: the secret is machine-generated and long,
 * so brute force is hopeless, and a slow hash would let a reconnect storm burn the CPU.
 * Thread-safe.
 */
public final class DeviceCredentials {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Jdbc jdbc;
  private final Clock clock;
  private final List<Consumer<String>> createdListeners = new CopyOnWriteArrayList<>();

  public DeviceCredentials(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Calls {@code listener} with the serial of every credential created or deleted through this
   * instance (so that caches forget what they knew of it). Listeners must be quick and must not
   * throw.
   */
  public void onCreated(Consumer<String> listener) {
    createdListeners.add(listener);
  }

  /** A stored credential: the owning account and the secret's hash. */
  public record Credential(String serial, UUID accountId, byte[] secretHash) {}

  /**
   * Creates a credential; empty when the serial already has one. Completes with the clear secret.
   */
  public CompletionStage<Optional<String>> create(String serial, UUID accountId) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    return jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO device_credentials (serial, account_id, secret_hash, created_at) VALUES (?, ?, ?, ?)"
                          + " ON CONFLICT DO NOTHING")) {
                ps.setString(1, serial);
                ps.setObject(2, accountId);
                ps.setBytes(3, hash(secret));
                ps.setTimestamp(4, Timestamp.from(clock.instant()));
                return ps.executeUpdate() == 1 ? Optional.of(secret) : Optional.<String>empty();
              }
            })
        .thenApply(
            created -> {
              if (created.isPresent()) createdListeners.forEach(l -> l.accept(serial));
              return created;
            });
  }

  /**
   * Removes a credential (deregistration, or compensation when registration could not complete):
   * this node's caches forget it at once.
   */
  public CompletionStage<Void> delete(String serial) {
    return jdbc.<Void>run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM device_credentials WHERE serial = ?")) {
                ps.setString(1, serial);
                ps.executeUpdate();
                return null;
              }
            })
        .thenApply(
            v -> {
              createdListeners.forEach(l -> l.accept(serial));
              return v;
            });
  }

  public CompletionStage<Optional<Credential>> find(String serial) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT account_id, secret_hash FROM device_credentials WHERE serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Credential(serial, rs.getObject(1, UUID.class), rs.getBytes(2)))
                  : Optional.<Credential>empty();
            }
          }
        });
  }

  /** The stored form of a secret. */
  public static byte[] hash(String secret) {
    return PasswordHasher.sha256(secret);
  }
}
