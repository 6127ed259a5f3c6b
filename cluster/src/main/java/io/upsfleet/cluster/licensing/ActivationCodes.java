package io.upsfleet.cluster.licensing;

import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.account.PasswordHasher;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Activation codes: 25 random Crockford base-32 characters (125 bits) in five groups, e.g. {@code
 * 7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS}, looked up by their SHA-256. Input is normalised (case, dashes,
 * spaces, and the look-alikes O→0, I/L→1) so a code typed from an e-mail works. Thread-safe.
 */
public final class ActivationCodes {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int LENGTH = 25;
  private final Jdbc jdbc;

  public ActivationCodes(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** A new random code, formatted in groups of five. */
  public static String generate() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < LENGTH; i++) {
      if (i > 0 && i % 5 == 0) sb.append('-');
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  /** The canonical form of typed input, or empty when it cannot be a code. */
  public static Optional<String> normalize(String input) {
    if (input == null || input.length() > 64) return Optional.empty();
    StringBuilder sb = new StringBuilder();
    for (char ch : input.toUpperCase(Locale.ROOT).toCharArray()) {
      if (ch == '-' || ch == ' ') continue;
      char c =
          switch (ch) {
            case 'O' -> '0';
            case 'I', 'L' -> '1';
            default -> ch;
          };
      if (new String(ALPHABET).indexOf(c) < 0) return Optional.empty();
      sb.append(c);
    }
    if (sb.length() != LENGTH) return Optional.empty();
    for (int i = 20; i > 0; i -= 5) sb.insert(i, '-');
    return Optional.of(sb.toString());
  }

  /** The last group, safe to show in listings. */
  public static String hint(String code) {
    return "…" + code.substring(code.length() - 5);
  }

  /** Records a code for an order. */
  public CompletionStage<Void> register(String code, UUID orderId, Instant at) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO activation_codes (code_hash, order_id, created_at) VALUES (?, ?, ?)")) {
            ps.setBytes(1, PasswordHasher.sha256(code));
            ps.setObject(2, orderId);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.executeUpdate();
            return null;
          }
        });
  }

  /** The order of a (normalised) code. */
  public CompletionStage<Optional<UUID>> orderOf(String code) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT order_id FROM activation_codes WHERE code_hash = ?")) {
            ps.setBytes(1, PasswordHasher.sha256(code));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.<UUID>empty();
            }
          }
        });
  }
}
