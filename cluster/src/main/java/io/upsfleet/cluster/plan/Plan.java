package io.upsfleet.cluster.plan;

/**
 * The subscription plans of DOMAIN.md §4, ordered from lowest to highest. What each unlocks is
 * {@link io.upsfleet.cluster.plan.Feature}'s to answer.
 */
public enum Plan {
  BASIC,
  STANDARD,
  ADVANCED
}
