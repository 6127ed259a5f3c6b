package io.upsfleet.cluster.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Slow hashing of human passwords: PBKDF2-HMAC-SHA256 with a random salt, encoded as {@code
 * pbkdf2-sha256$iterations$salt$hash}. Thread-safe.
 */
public final class PasswordHasher {
  private static final String PREFIX = "pbkdf2-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final int iterations;

  /**
   * @param iterations PBKDF2 iterations (OWASP 2023 recommends 600 000; tests may use fewer)
   */
  public PasswordHasher(int iterations) {
    if (iterations < 1000) throw new IllegalArgumentException("iterations must be at least 1000");
    this.iterations = iterations;
  }

  public String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether {@code password} matches {@code encoded}; false for any malformed encoding. */
  public boolean verify(String password, String encoded) {
    String[] parts = encoded.split("\\$");
    if (parts.length != 4 || !parts[0].equals(PREFIX)) return false;
    try {
      int iter = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      return MessageDigest.isEqual(expected, derive(password, salt, iter));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A hash to verify against when the user does not exist, so that both cases take the same time.
   */
  public String dummyHash() {
    return hash("not-a-password-" + new String(new char[] {'x'}).repeat(8));
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }

  /** SHA-256 of a string, for machine-generated secrets and tokens (fast by design). */
  public static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
