package io.upsfleet.cluster.account;

/** What a user may see and do. */
public enum Role {
  /** Operator of the service: every account, every action audited. */
  SUPPORT,
  /** Manages one account: its devices and users. */
  ACCOUNT_ADMIN,
  /** Reads one account's devices, events and reports. */
  ACCOUNT_VIEWER;

  public boolean isSupport() {
    return this == SUPPORT;
  }
}
