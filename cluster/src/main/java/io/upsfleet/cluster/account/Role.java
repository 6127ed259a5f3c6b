package io.upsfleet.cluster.account;

/** What a user may see and do. */
public enum Role {
  /** Operator of the service: every account, every action audited. */
  SUPPORT,
  /** Manages one account: its devices and users. */
  ACCOUNT_ADMIN,
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
