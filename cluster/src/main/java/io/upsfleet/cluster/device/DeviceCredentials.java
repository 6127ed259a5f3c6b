package io.upsfleet.cluster.device;

import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.account.PasswordHasher;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  /**
   * A stored credential: the owning account and the secret's hash; after a rotation also the
   * previous secret's hash and until when it is accepted (null otherwise).
   */
  public record Credential(
      String serial,
      UUID accountId,
      byte[] secretHash,
      byte[] previousHash,
      Instant previousUntil) {
    public Credential(String serial, UUID accountId, byte[] secretHash) {
      this(serial, accountId, secretHash, null, null);
    }

    /** Which secret {@code hash} is at {@code now}. */
    public Match match(byte[] hash, Instant now) {
      if (MessageDigest.isEqual(secretHash, hash)) return Match.CURRENT;
      if (previousHash != null
          && previousUntil != null
          && now.isBefore(previousUntil)
          && MessageDigest.isEqual(previousHash, hash)) return Match.PREVIOUS;
      return Match.NONE;
    }
  }

  /** The outcome of comparing a presented secret with a credential. */
  public enum Match {
    CURRENT,
    PREVIOUS,
    NONE
  }

  /**
   * Issues a new secret for {@code serial}, shown once; the current one stays valid for {@code
   * grace} or until the device first connects with the new one ({@link #retirePrevious}). Empty
   * when the serial has no credential.
   */
  public CompletionStage<Optional<String>> rotate(String serial, Duration grace) {
    String secret = newSecret();
    return jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE device_credentials SET previous_secret_hash = secret_hash,"
                          + " previous_valid_until = ?, secret_hash = ? WHERE serial = ?")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant().plus(grace)));
                ps.setBytes(2, hash(secret));
                ps.setString(3, serial);
                return ps.executeUpdate() == 1 ? Optional.of(secret) : Optional.<String>empty();
              }
            })
        .thenApply(rotated -> changed(serial, rotated));
  }

  /** The device connected with its new secret: the previous one stops working. */
  public CompletionStage<Void> retirePrevious(String serial) {
    return jdbc.<Void>run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE device_credentials SET previous_secret_hash = NULL,"
                          + " previous_valid_until = NULL WHERE serial = ?"
                          + " AND previous_secret_hash IS NOT NULL")) {
                ps.setString(1, serial);
                ps.executeUpdate();
                return null;
              }
            })
        .thenApply(v -> changed(serial, v));
  }

  /** The credential now belongs to {@code accountId} (a transfer). */
  public CompletionStage<Void> moveTo(String serial, UUID accountId) {
    return jdbc.<Void>run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE device_credentials SET account_id = ? WHERE serial = ?")) {
                ps.setObject(1, accountId);
                ps.setString(2, serial);
                ps.executeUpdate();
                return null;
              }
            })
        .thenApply(v -> changed(serial, v));
  }

  /** The clock deciding whether a previous secret is still accepted. */
  public Clock clock() {
    return clock;
  }

  /** Tells the listeners that {@code serial}'s credential changed; returns {@code value}. */
  private <T> T changed(String serial, T value) {
    createdListeners.forEach(l -> l.accept(serial));
    return value;
  }

  private static String newSecret() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * Creates a credential; empty when the serial already has one. Completes with the clear secret.
   */
  public CompletionStage<Optional<String>> create(String serial, UUID accountId) {
    String secret = newSecret();
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
        .thenApply(v -> changed(serial, v));
  }

  public CompletionStage<Optional<Credential>> find(String serial) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT account_id, secret_hash, previous_secret_hash, previous_valid_until"
                      + " FROM device_credentials WHERE serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return Optional.<Credential>empty();
              Timestamp until = rs.getTimestamp(4);
              return Optional.of(
                  new Credential(
                      serial,
                      rs.getObject(1, UUID.class),
                      rs.getBytes(2),
                      rs.getBytes(3),
                      until == null ? null : until.toInstant()));
            }
          }
        });
  }

  /** The stored form of a secret. */
  public static byte[] hash(String secret) {
    return PasswordHasher.sha256(secret);
  }
}
