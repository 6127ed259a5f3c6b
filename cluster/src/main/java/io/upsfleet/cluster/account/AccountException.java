package io.upsfleet.cluster.account;

/** A refused account operation, with a reason the API maps to a status code. */
public final class AccountException extends RuntimeException {
  /** Why the operation was refused. */
  public enum Reason {
    ACCOUNT_NOT_FOUND,
    NAME_TAKEN,
    USERNAME_TAKEN,
    /** No such user (in the account named). */
    USER_NOT_FOUND,
    /** Disabling the last enabled support user would lock everyone out. */
    LAST_SUPPORT_USER,
    /** Too many passwords are being hashed at once; retry shortly. */
    BUSY
  }

  private final Reason reason;

  public AccountException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
