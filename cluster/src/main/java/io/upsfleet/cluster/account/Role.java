package io.upsfleet.cluster.account;

/**
 * What a user may see and do. Which role may call which route is one table, the gateway's {@code
 * AccessRules}; the README shows it.
 */
public enum Role {
  /** Operator of the service: every account, every action audited. */
  SUPPORT,
  /** Manages one account: its devices, users and licenses. */
  ACCOUNT_ADMIN,
  /**
   * Runs remote operations on one account's devices and sees everything of the account, but manages
   * neither its users nor its licenses.
   */
  ACCOUNT_OPERATOR,
  /** Reads one account's devices, events and reports. */
  ACCOUNT_VIEWER,
  /**
   * A preferred reseller (issue 12): reads only the renewal data of the accounts that invited it
   * and have not revoked their consent, through {@code /api/v1/reseller}; every other route refuses
   * it. Belongs to no account.
   */
  RESELLER;

  public boolean isSupport() {
    return this == SUPPORT;
  }

  public boolean isReseller() {
    return this == RESELLER;
  }
}
