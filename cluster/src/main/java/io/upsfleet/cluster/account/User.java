package io.upsfleet.cluster.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A user as shown to others (never with its password hash). {@code accountId} is null for support.
 *
 * @param disabled whether the user is disabled (cannot sign in; every token revoked)
 * @param mustChangePassword whether the user must set a new password before doing anything else
 */
public record User(
    UUID id,
    String username,
    Role role,
    UUID accountId,
    Instant createdAt,
    boolean disabled,
    boolean mustChangePassword) {

  /** A new, enabled user. */
  public User(UUID id, String username, Role role, UUID accountId, Instant createdAt) {
    this(id, username, role, accountId, createdAt, false, false);
  }
}
