package io.upsfleet.cluster.account;

import io.upsfleet.cluster.Jdbc;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Accounts, users and bearer tokens, kept in PostgreSQL. Passwords are hashed slowly ({@link
 * PasswordHasher}) on their own bounded {@link HashingPool}, never on a JDBC thread; tokens are
 * 256-bit random strings stored as SHA-256. Thread-safe; every method runs its JDBC on the blocking
 * executor of {@link Jdbc}. Refusals complete exceptionally with {@link AccountException} (BUSY
 * when the hashing pool is full).
 */
public final class Accounts {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TOKEN_PREFIX = "uft_";

  private final Jdbc jdbc;
  private final PasswordHasher hasher;
  private final HashingPool hashing;
  private final Duration tokenLifetime;
  private final Clock clock;
  private final String dummyHash;

  public Accounts(
      Jdbc jdbc, PasswordHasher hasher, HashingPool hashing, Duration tokenLifetime, Clock clock) {
    this.jdbc = jdbc;
    this.hasher = hasher;
    this.hashing = hashing;
    this.tokenLifetime = tokenLifetime;
    this.clock = clock;
    this.dummyHash = hasher.dummyHash();
  }

  /** Creates an account; refused with NAME_TAKEN when the name (case-insensitive) exists. */
  public CompletionStage<Account> createAccount(String name, String createdBy) {
    Account a = new Account(UUID.randomUUID(), name, clock.instant());
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO accounts (id, name, created_at, created_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, a.id());
            ps.setString(2, a.name());
            ps.setTimestamp(3, Timestamp.from(a.createdAt()));
            ps.setString(4, createdBy);
            if (ps.executeUpdate() == 0) {
              throw new AccountException(
                  AccountException.Reason.NAME_TAKEN, "an account named '" + name + "' exists");
            }
          }
          return a;
        });
  }

  public CompletionStage<Optional<Account>> account(UUID id) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT id, name, created_at FROM accounts WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(account(rs)) : Optional.<Account>empty();
            }
          }
        });
  }

  /** Accounts ordered by name; {@code only} restricts to one account (customers). */
  public CompletionStage<List<Account>> accounts(Optional<UUID> only, int offset, int limit) {
    return jdbc.run(
        c -> {
          String sql =
              "SELECT id, name, created_at FROM accounts"
                  + (only.isPresent() ? " WHERE id = ?" : "")
                  + " ORDER BY lower(name), id OFFSET ? LIMIT ?";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (only.isPresent()) ps.setObject(i++, only.get());
            ps.setInt(i++, offset);
            ps.setInt(i, limit);
            List<Account> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(account(rs));
            }
            return out;
          }
        });
  }

  /** How many accounts {@link #accounts} can list ({@code only} restricts to one account). */
  public CompletionStage<Long> countAccounts(Optional<UUID> only) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM accounts" + (only.isPresent() ? " WHERE id = ?" : ""))) {
            if (only.isPresent()) ps.setObject(1, only.get());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /**
   * Creates a user. Support users have no account; customer users need an existing account (else
   * ACCOUNT_NOT_FOUND). Refused with USERNAME_TAKEN when the name exists (case-insensitive).
   */
  public CompletionStage<User> createUser(
      String username, String password, Role role, UUID accountId) {
    User u =
        new User(
            UUID.randomUUID(),
            username,
            role,
            role.isSupport() ? null : accountId,
            clock.instant());
    return hashing
        .submit(() -> hasher.hash(password))
        .thenCompose(hash -> insertUser(u, hash, accountId));
  }

  private CompletionStage<User> insertUser(User u, String hash, UUID accountId) {
    return jdbc.run(
        c -> {
          if (u.accountId() != null && !exists(c, u.accountId())) {
            throw new AccountException(
                AccountException.Reason.ACCOUNT_NOT_FOUND, "no account " + accountId);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO users (id, username, password_hash, role, account_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            ps.setObject(1, u.id());
            ps.setString(2, u.username());
            ps.setString(3, hash);
            ps.setString(4, u.role().name());
            ps.setObject(5, u.accountId());
            ps.setTimestamp(6, Timestamp.from(u.createdAt()));
            if (ps.executeUpdate() == 0) {
              throw new AccountException(
                  AccountException.Reason.USERNAME_TAKEN,
                  "username '" + u.username() + "' is taken");
            }
          }
          return u;
        });
  }

  /** Users of an account, or every user when {@code accountId} is empty. */
  public CompletionStage<List<User>> users(Optional<UUID> accountId) {
    return jdbc.run(
        c -> {
          String sql =
              "SELECT "
                  + USER_COLUMNS
                  + " FROM users"
                  + (accountId.isPresent() ? " WHERE account_id = ?" : "")
                  + " ORDER BY lower(username)";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (accountId.isPresent()) ps.setObject(1, accountId.get());
            List<User> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(user(rs));
            }
            return out;
          }
        });
  }

  /** The support users, by name. */
  public CompletionStage<List<User>> supportUsers() {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + USER_COLUMNS
                      + " FROM users WHERE role = 'SUPPORT' ORDER BY lower(username)")) {
            List<User> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(user(rs));
            }
            return out;
          }
        });
  }

  private static final String USER_COLUMNS =
      "id, username, role, account_id, created_at, disabled, must_change_password";

  private static User user(ResultSet rs) throws SQLException {
    return new User(
        rs.getObject(1, UUID.class),
        rs.getString(2),
        Role.valueOf(rs.getString(3)),
        rs.getObject(4, UUID.class),
        rs.getTimestamp(5).toInstant(),
        rs.getBoolean(6),
        rs.getBoolean(7));
  }

  /**
   * Changes a user: disables or enables it, changes its role (null: unchanged). {@code account} is
   * the account the user must belong to (empty: a support user). Disabling revokes every token of
   * the user. Refused with USER_NOT_FOUND when there is no such user there, LAST_SUPPORT_USER when
   * it would disable the last enabled support user. Listeners of {@link #onRevocation} hear of it
   * once committed.
   */
  public CompletionStage<User> updateUser(
      UUID userId, Optional<UUID> account, Boolean disabled, Role role) {
    return jdbc.<User>inTransaction(
            c -> {
              User before = lockUser(c, userId, account);
              if (Boolean.TRUE.equals(disabled)
                  && !before.disabled()
                  && before.role().isSupport()) {
                // Every enabled support user locked: two concurrent disables see each other.
                int enabled = 0;
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT id FROM users WHERE role = 'SUPPORT' AND NOT disabled FOR UPDATE")) {
                  try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) enabled++;
                  }
                }
                if (enabled <= 1) {
                  throw new AccountException(
                      AccountException.Reason.LAST_SUPPORT_USER,
                      "the last active support user cannot be disabled");
                }
              }
              boolean off = disabled == null ? before.disabled() : disabled;
              Role newRole = role == null ? before.role() : role;
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE users SET disabled = ?, role = ? WHERE id = ?")) {
                ps.setBoolean(1, off);
                ps.setString(2, newRole.name());
                ps.setObject(3, userId);
                ps.executeUpdate();
              }
              if (off && !before.disabled()) revokeAll(c, userId);
              return new User(
                  before.id(),
                  before.username(),
                  newRole,
                  before.accountId(),
                  before.createdAt(),
                  off,
                  before.mustChangePassword());
            })
        .thenApply(
            u -> {
              revoked(new Revocation(u.id(), null));
              return u;
            });
  }

  /**
   * An admin sets a user's password: every token of the user is revoked and the user must choose a
   * new password at next sign-in. Refused with USER_NOT_FOUND as {@link #updateUser}.
   */
  public CompletionStage<User> resetPassword(
      UUID userId, Optional<UUID> account, String newPassword) {
    return hashing
        .submit(() -> hasher.hash(newPassword))
        .thenCompose(
            hash ->
                jdbc.<User>inTransaction(
                    c -> {
                      User before = lockUser(c, userId, account);
                      setPassword(c, userId, hash, true);
                      revokeAll(c, userId);
                      return new User(
                          before.id(),
                          before.username(),
                          before.role(),
                          before.accountId(),
                          before.createdAt(),
                          before.disabled(),
                          true);
                    }))
        .thenApply(
            u -> {
              revoked(new Revocation(u.id(), null));
              return u;
            });
  }

  /**
   * A user changes their own password, proving the current one: every other token of the user is
   * revoked, the presented one ({@code keepToken}) stays valid. False when the current password is
   * wrong.
   */
  public CompletionStage<Boolean> changePassword(
      UUID userId, String currentPassword, String newPassword, String keepToken) {
    if (hashing.saturated()) return CompletableFuture.failedFuture(HashingPool.busy());
    return jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT password_hash FROM users WHERE id = ?")) {
                ps.setObject(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getString(1) : dummyHash;
                }
              }
            })
        .thenCompose(hash -> hashing.submit(() -> hasher.verify(currentPassword, hash)))
        .thenCompose(
            ok -> {
              if (!ok) return CompletableFuture.completedFuture(false);
              return hashing
                  .submit(() -> hasher.hash(newPassword))
                  .thenCompose(
                      hash ->
                          jdbc.inTransaction(
                              c -> {
                                setPassword(c, userId, hash, false);
                                try (PreparedStatement ps =
                                    c.prepareStatement(
                                        "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?"
                                            + " AND revoked_at IS NULL AND token_hash <> ?")) {
                                  ps.setTimestamp(1, Timestamp.from(clock.instant()));
                                  ps.setObject(2, userId);
                                  ps.setBytes(3, PasswordHasher.sha256(keepToken));
                                  ps.executeUpdate();
                                }
                                return true;
                              }))
                  .thenApply(
                      changed -> {
                        revoked(new Revocation(userId, null));
                        return changed;
                      });
            });
  }

  /** Revokes every token of a user (sign out everywhere). */
  public CompletionStage<Void> revokeAllTokens(UUID userId) {
    return jdbc.<Void>run(
            c -> {
              revokeAll(c, userId);
              return null;
            })
        .thenApply(
            v -> {
              revoked(new Revocation(userId, null));
              return v;
            });
  }

  private void revokeAll(Connection c, UUID userId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")) {
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setObject(2, userId);
      ps.executeUpdate();
    }
  }

  private static void setPassword(Connection c, UUID userId, String hash, boolean mustChange)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?")) {
      ps.setString(1, hash);
      ps.setBoolean(2, mustChange);
      ps.setObject(3, userId);
      ps.executeUpdate();
    }
  }

  /** The user, locked for update; USER_NOT_FOUND unless it belongs to {@code account}. */
  private static User lockUser(Connection c, UUID userId, Optional<UUID> account)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + USER_COLUMNS + " FROM users WHERE id = ? FOR UPDATE")) {
      ps.setObject(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          User u = user(rs);
          boolean there =
              account.isPresent() ? account.get().equals(u.accountId()) : u.role().isSupport();
          if (there) return u;
        }
      }
    }
    throw new AccountException(AccountException.Reason.USER_NOT_FOUND, "no user " + userId);
  }

  /**
   * Tokens that stopped being valid: every token of {@code userId} (disabled, role or password
   * changed, signed out everywhere) or the one token whose SHA-256 is {@code tokenHash}.
   */
  public record Revocation(UUID userId, byte[] tokenHash) {}

  private final List<Consumer<Revocation>> revocationListeners = new CopyOnWriteArrayList<>();

  /**
   * Calls {@code listener} (on any thread; it must not block) after every committed change that
   * ends tokens. The cluster publishes these to every node.
   */
  public void onRevocation(Consumer<Revocation> listener) {
    revocationListeners.add(listener);
  }

  private void revoked(Revocation r) {
    for (Consumer<Revocation> l : revocationListeners) l.accept(r);
  }

  /**
   * Creates the support user {@code username} unless a user of that name exists; true when created.
   */
  public CompletionStage<Boolean> ensureSupportUser(String username, String password) {
    return createUser(username, password, Role.SUPPORT, null)
        .thenApply(u -> true)
        .exceptionally(
            e -> {
              Throwable cause = e instanceof CompletionException ? e.getCause() : e;
              if (cause instanceof AccountException ae
                  && ae.reason() == AccountException.Reason.USERNAME_TAKEN) {
                return false;
              }
              throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            });
  }

  /**
   * Checks a username and password and issues a token; empty when they don't match or the user is
   * disabled. Unknown users cost the same hashing time as known ones.
   */
  public CompletionStage<Optional<IssuedToken>> issueToken(String username, String password) {
    return checkPassword(username, password)
        .thenCompose(
            found ->
                found.isPresent()
                    ? storeToken(found.get().principal(), found.get().mustChangePassword())
                        .thenApply(Optional::of)
                    : CompletableFuture.completedFuture(Optional.<IssuedToken>empty()));
  }

  /**
   * Checks a username and password without issuing a token (sign-ins of other protocols, e.g. NUT);
   * empty when they don't match or the user is disabled. Unknown users cost the same hashing time
   * as known ones; refused at once while hashing is saturated.
   */
  public CompletionStage<Optional<PasswordMatch>> checkPassword(String username, String password) {
    // Refused before touching the database when hashing is saturated: a flood stays cheap.
    if (hashing.saturated()) return CompletableFuture.failedFuture(HashingPool.busy());
    return jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, username, role, account_id, password_hash, disabled, must_change_password FROM users WHERE lower(username) = lower(?)")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next() && !rs.getBoolean(6)) {
                    return new Candidate(
                        new Principal(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            Role.valueOf(rs.getString(3)),
                            rs.getObject(4, UUID.class)),
                        rs.getString(5),
                        rs.getBoolean(7));
                  }
                  return new Candidate(null, dummyHash, false);
                }
              }
            })
        .thenCompose(
            found ->
                hashing
                    .submit(() -> hasher.verify(password, found.hash()))
                    .thenApply(
                        ok ->
                            ok && found.principal() != null
                                ? Optional.of(
                                    new PasswordMatch(found.principal(), found.mustChange()))
                                : Optional.<PasswordMatch>empty()));
  }

  /** A user whose password matched, and whether they must change it before anything else. */
  public record PasswordMatch(Principal principal, boolean mustChangePassword) {}

  /** A user found by name (principal null when none), with the hash to verify against. */
  private record Candidate(Principal principal, String hash, boolean mustChange) {}

  private CompletionStage<IssuedToken> storeToken(Principal p, boolean mustChange) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant now = clock.instant();
    Instant expires = now.plus(tokenLifetime);
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO api_tokens (token_hash, user_id, issued_at, expires_at) VALUES (?, ?, ?, ?)")) {
            ps.setBytes(1, PasswordHasher.sha256(token));
            ps.setObject(2, p.userId());
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(expires));
            ps.executeUpdate();
          }
          return new IssuedToken(token, expires, p, mustChange);
        });
  }

  /** Stops the hashing threads. */
  public void close() {
    hashing.close();
  }

  /** The principal of a valid, unexpired, unrevoked token of an enabled user, with its expiry. */
  public CompletionStage<Optional<TokenGrant>> resolveToken(String token) {
    if (!token.startsWith(TOKEN_PREFIX) || token.length() > 100) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT u.id, u.username, u.role, u.account_id, t.expires_at, u.must_change_password FROM api_tokens t JOIN users u ON u.id = t.user_id"
                      + " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND NOT u.disabled")) {
            ps.setBytes(1, PasswordHasher.sha256(token));
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return Optional.<TokenGrant>empty();
              Principal p =
                  new Principal(
                      rs.getObject(1, UUID.class),
                      rs.getString(2),
                      Role.valueOf(rs.getString(3)),
                      rs.getObject(4, UUID.class));
              return Optional.of(
                  new TokenGrant(p, rs.getTimestamp(5).toInstant(), rs.getBoolean(6)));
            }
          }
        });
  }

  /** Revokes a token (sign-out); true when it was valid. */
  public CompletionStage<Boolean> revokeToken(String token) {
    return jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setBytes(2, PasswordHasher.sha256(token));
                return ps.executeUpdate() > 0;
              }
            })
        .thenApply(
            was -> {
              revoked(new Revocation(null, PasswordHasher.sha256(token)));
              return was;
            });
  }

  /**
   * A resolved token: who it belongs to, until when it is valid, and whether its user must change
   * their password before anything else.
   */
  public record TokenGrant(Principal principal, Instant expiresAt, boolean mustChangePassword) {
    public TokenGrant(Principal principal, Instant expiresAt) {
      this(principal, expiresAt, false);
    }
  }

  private static boolean exists(Connection c, UUID accountId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM accounts WHERE id = ?")) {
      ps.setObject(1, accountId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Account account(ResultSet rs) throws SQLException {
    return new Account(
        rs.getObject(1, UUID.class), rs.getString(2), rs.getTimestamp(3).toInstant());
  }
}
