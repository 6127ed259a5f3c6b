package io.upsfleet.cluster.device;

/** How urgent an event is; ordered from least to most severe. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL
}
