package io.upsfleet.cluster.account;

import java.util.Optional;
import java.util.UUID;

/**
 * An authenticated user.
 *
 * @param userId the user's id
 * @param username the login name
 * @param role the role
 * @param accountId the account of a customer user; null for support
 */
public record Principal(UUID userId, String username, Role role, UUID accountId) {

  /**
   * Whether this principal may see resources of {@code account}. A reseller sees none this way: its
   * renewal data is checked against the consents (ResellerSupport).
   */
  public boolean canSee(UUID account) {
    return role.isSupport() || (accountId != null && accountId.equals(account));
  }

  /** Whether this principal may change resources of {@code account}. */
  public boolean canManage(UUID account) {
    return role.isSupport()
        || (role == Role.ACCOUNT_ADMIN && accountId != null && accountId.equals(account));
  }

  /** Whether this principal may run remote operations on devices of {@code account}. */
  public boolean canOperate(UUID account) {
    return canManage(account)
        || (role == Role.ACCOUNT_OPERATOR && accountId != null && accountId.equals(account));
  }

  /** The account a customer is restricted to; empty for support. */
  public Optional<UUID> restrictedTo() {
    return role.isSupport() ? Optional.empty() : Optional.of(accountId);
  }
}
