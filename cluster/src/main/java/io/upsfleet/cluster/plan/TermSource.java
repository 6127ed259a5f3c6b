package io.upsfleet.cluster.plan;

/** Where a plan term comes from. */
public enum TermSource {
  /** The 6-month Standard trial that starts at registration. */
  TRIAL,
  /** A license entitlement assigned from an activation code. */
  LICENSE,
  /** A free term granted by a promotion. */
  PROMOTION,
  /** Monitoring granted by an extended warranty applied (bought/activated) before 2023-08-01. */
  WARRANTY
}
