package io.upsfleet.ui.login;

import io.upsfleet.api.client.UpsfleetApi;
import io.upsfleet.api.rest.TokenResponse;
import java.time.Instant;

/**
 * Who is signed in to this session and the gateway client acting as them. The token lives only
 * here, on the server. Immutable.
 */
public record SignedInUser(
    String username, Role role, String accountId, Instant expiresAt, UpsfleetApi client) {

  /** The gateway's roles. */
  public enum Role {
    SUPPORT,
    ACCOUNT_ADMIN,
    ACCOUNT_OPERATOR,
    ACCOUNT_VIEWER,
    /** A preferred reseller: sees only the renewal data of the accounts that consented to it. */
    RESELLER;

    /** Readable name for the header. */
    public String label() {
      return switch (this) {
        case SUPPORT -> "Support";
        case ACCOUNT_ADMIN -> "Account admin";
        case ACCOUNT_OPERATOR -> "Operator";
        case ACCOUNT_VIEWER -> "Viewer";
        case RESELLER -> "Reseller";
      };
    }
  }

  static SignedInUser of(TokenResponse t, UpsfleetApi client) {
    return new SignedInUser(
        t.username(), Role.valueOf(t.role()), t.accountId(), t.expiresAt(), client);
  }

  public boolean isSupport() {
    return role == Role.SUPPORT;
  }

  /** Whether this user may operate devices (not viewers, not resellers). */
  public boolean canOperate() {
    return role == Role.SUPPORT || role == Role.ACCOUNT_ADMIN || role == Role.ACCOUNT_OPERATOR;
  }

  public boolean isReseller() {
    return role == Role.RESELLER;
  }

  /** Whether this user may manage users and licenses (support and account admins). */
  public boolean canManage() {
    return role == Role.SUPPORT || role == Role.ACCOUNT_ADMIN;
  }
}
